import { cookies } from 'next/headers';
import { type DemoUserId, USER_COOKIE, verifySession } from './session';

/** The signed-in demo user of this request (the custom server sets a default cookie). */
export async function currentUserId(): Promise<DemoUserId> {
  return verifySession((await cookies()).get(USER_COOKIE)?.value) ?? 'ada';
}
