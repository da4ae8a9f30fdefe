import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { currentUserId } from '@/lib/currentUser';
import { demoDb, getDemoContext } from '@/lib/demoContext';
import type { User } from '@/lib/model';
import { Header } from './_components/Header';
import { Providers } from './_components/Providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'Live Shop · mongo-live demo',
  description: 'Live MongoDB data in a Next.js app: live queries, change streams, authorization.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const userId = await currentUserId();
  const users = await demoDb()
    .collection<User>('users')
    .find({}, { projection: { name: 1 }, sort: { name: 1 } })
    .toArray();
  const shop = { dbName: getDemoContext().dbName, userId };
  return (
    <html lang="en">
      <body>
        <Providers key={userId} shop={shop}>
          <Header users={users.map((u) => ({ id: u._id, name: u.name }))} userId={userId} />
          {children}
        </Providers>
      </body>
    </html>
  );
}
