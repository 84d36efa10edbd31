import { initials, userHue } from '../../shared/format';
import type { PresenceUser } from '../../shared/ws';

/** Who is on this branch (one avatar per person, however many windows), and what they look at. */
export function PresenceAvatars({ users }: { users: PresenceUser[] }) {
  // the server sends one entry per person; an older server sent one per window: show each person once
  const people = [...new Map(users.map((u) => [u.user, u])).values()];
  if (people.length === 0) return null;
  return (
    <ul className="presence" aria-label="People on this branch" data-testid="presence">
      {people.map((u) => {
        const label = u.node ? `${u.name} — viewing ${u.node}` : `${u.name} — on this branch`;
        return (
          <li
            key={u.user}
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
