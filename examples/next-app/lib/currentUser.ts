import { cookies } from 'next/headers';
import { type DemoUserId, isDemoUserId, USER_COOKIE } from './session';

/** The signed-in demo user of this request (the custom server sets a default cookie). */
export async function currentUserId(): Promise<DemoUserId> {
  const value = (await cookies()).get(USER_COOKIE)?.value;
  return isDemoUserId(value) ? value : 'ada';
}
