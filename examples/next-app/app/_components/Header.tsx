import styles from './Header.module.css';
import { LiveStatus } from './LiveStatus';
import { NavLinks } from './NavLinks';
import { UserPicker } from './UserPicker';

export function Header({ users, userId }: { users: Array<{ id: string; name: string }>; userId: string }) {
  return (
    <header className={styles.header}>
      <div className={styles.inner}>
        <a className={styles.brand} href="/">
          <span className={styles.logo} aria-hidden>
            ◆
          </span>
          Live Shop
        </a>
        <NavLinks />
        <div className={styles.tools}>
          <UserPicker users={users} userId={userId} />
          <LiveStatus />
        </div>
      </div>
    </header>
  );
}
