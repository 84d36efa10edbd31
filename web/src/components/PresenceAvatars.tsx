import { initials, userHue } from '../format';
import type { PresenceUser } from '../ws';

/** Who else is on this branch, and what they look at. */
export function PresenceAvatars({ users }: { users: PresenceUser[] }) {
  if (users.length === 0) return null;
  return (
    <ul className="presence" aria-label="People on this branch" data-testid="presence">
      {users.map((u) => {
        const label = u.node ? `${u.name} — viewing ${u.node}` : `${u.name} — on this branch`;
        return (
          <li
            key={u.session}
            className="avatar"
            data-testid="presence-avatar"
            data-user={u.user}
            data-node={u.node ?? ''}
            title={label}
            aria-label={label}
            style={{ backgroundColor: `hsl(${userHue(u.user)} 55% 45%)` }}
          >
            {initials(u.name || u.user)}
          </li>
        );
      })}
    </ul>
  );
}
