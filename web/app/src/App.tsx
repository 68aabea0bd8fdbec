import { useAuth } from './state/useAuth';
import { AuthScreen } from './components/AuthScreen';
import { MainScreen } from './components/MainScreen';
import { SplashScreen } from './components/SplashScreen';

export function App() {
  const { state, signIn, register, signOut } = useAuth();
  if (state.status === 'resuming') return <SplashScreen />;
  if (state.status === 'signedOut') return <AuthScreen notice={state.notice} onSignIn={signIn} onRegister={register} />;
  // Keyed by user so nothing from a previous account survives a sign-out and sign-in.
  return <MainScreen key={state.session.user.id} session={state.session} onSignOut={signOut} />;
}
