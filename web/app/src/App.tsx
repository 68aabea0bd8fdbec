import { useAuth } from './state/useAuth';
import { AuthScreen } from './components/AuthScreen';
import { SignedInApp } from './components/SignedInApp';
import { SplashScreen } from './components/SplashScreen';

export function App() {
  const auth = useAuth();
  const { state } = auth;
  if (state.status === 'resuming') return <SplashScreen />;
  if (state.status === 'signedOut') return <AuthScreen notice={state.notice} onSignIn={auth.signIn} onRegister={auth.register} />;
  // Keyed by user so nothing from a previous account survives a sign-out and sign-in.
  return (
    <SignedInApp
      key={state.session.user.id}
      session={state.session}
      recoveryKey={state.recoveryKey}
      onRecoveryKeySaved={auth.recoveryKeySaved}
      onNewRecoveryKey={auth.showRecoveryKey}
      onSignOut={auth.signOut}
    />
  );
}
