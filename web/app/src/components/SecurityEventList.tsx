import type { SecurityEvent } from '@cipherlink/client';
import { describeSecurityEvent } from '../lib/security';
import { formatFull, formatLastSeen } from '../lib/time';
import { ui } from './styles';

/** The latest security-relevant things that happened to the account, newest first. */
export function SecurityEventList({ events, loading }: { events: SecurityEvent[]; loading: boolean }) {
  return (
    <section aria-labelledby="security-events-title" className={ui.card}>
      <h3 id="security-events-title" className={ui.cardTitle}>
        Recent security activity
      </h3>
      {!loading && events.length === 0 ? (
        <p className={ui.cardText}>Nothing yet. Sign-outs, password changes and suspicious sign-ins will show up here.</p>
      ) : (
        <ul className="mt-2 divide-y divide-slate-200 dark:divide-slate-800">
          {events.map((e) => {
            const { text, tone } = describeSecurityEvent(e);
            return (
              <li key={e.id} data-testid="security-event" data-kind={e.kind} className="flex gap-3 py-2.5">
                <span
                  aria-hidden="true"
                  className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${tone === 'alert' ? 'bg-red-500 ring-4 ring-red-500/15' : 'bg-slate-400'}`}
                />
                <div className="min-w-0">
                  <p className={`text-sm ${tone === 'alert' ? 'font-medium text-red-700 dark:text-red-400' : ''}`}>{text}</p>
                  <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
                    <time dateTime={e.at} title={formatFull(e.at)}>
                      {formatLastSeen(e.at)}
                    </time>
                    {e.location && <span title="Approximate network location"> · {e.location}</span>}
                  </p>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
