'use client';
import { useTransition } from 'react';
import { selectUser } from '../actions';
import styles from './Header.module.css';

/** Signs in as another demo user: a server action sets the cookie the bridge reads. */
export function UserPicker({ users, userId }: { users: Array<{ id: string; name: string }>; userId: string }) {
  const [pending, startTransition] = useTransition();
  return (
    <label className={styles.picker}>
      <span className={styles.pickerLabel}>Signed in as</span>
      <select
        name="userId"
        value={userId}
        disabled={pending}
        data-testid="user-picker"
        onChange={(event) => {
          const form = new FormData();
          form.set('userId', event.target.value);
          startTransition(() => selectUser(form));
        }}
      >
        {users.map((user) => (
          <option key={user.id} value={user.id}>
            {user.name}
          </option>
        ))}
      </select>
    </label>
  );
}
