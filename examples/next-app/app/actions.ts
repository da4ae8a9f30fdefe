'use server';
import { ObjectId } from 'mongodb';
// Writes go through server actions with the plain driver. Nothing is revalidated by hand: every
// page sees the change through its live queries and change streams.
import { cookies } from 'next/headers';
import { currentUserId } from '@/lib/currentUser';
import { demoDb } from '@/lib/demoContext';
import { type Order, orderOf, type Product } from '@/lib/model';
import { parseNewProduct } from '@/lib/newProduct';
import { isDemoUserId, signSession, USER_COOKIE } from '@/lib/session';

// A type only: a 'use server' module exports nothing but async functions at runtime.
import type { ActionResult } from './_components/ShopContext';

function objectId(id: string): ObjectId {
  if (!ObjectId.isValid(id)) throw new Error(`Not an id: ${id}`);
  return new ObjectId(id);
}

export async function addProduct(_previous: ActionResult, form: FormData): Promise<ActionResult> {
  const parsed = parseNewProduct(form);
  if ('error' in parsed) return parsed;
  await demoDb()
    .collection<Product>('products')
    .insertOne({ _id: new ObjectId(), ...parsed.product });
  return {};
}

export async function changePrice(productId: string, delta: number): Promise<void> {
  const _id = objectId(productId);
  // Never below 1: a filter on the update keeps it atomic.
  await demoDb()
    .collection<Product>('products')
    .updateOne({ _id, price: { $gte: 1 - delta } }, { $inc: { price: delta } });
}

export async function deleteProduct(productId: string): Promise<void> {
  await demoDb()
    .collection<Product>('products')
    .deleteOne({ _id: objectId(productId) });
}

export async function placeOrder(productId: string): Promise<ActionResult> {
  const db = demoDb();
  const product = await db
    .collection<Product>('products')
    .findOneAndUpdate({ _id: objectId(productId), stock: { $gt: 0 } }, { $inc: { stock: -1 } });
  if (!product) return { error: 'Sold out.' };
  await db.collection<Order>('orders').insertOne({ _id: new ObjectId(), ...orderOf(product, await currentUserId()) });
  return {};
}

export async function cancelOrder(orderId: string): Promise<void> {
  const db = demoDb();
  // Only the signed-in user's own orders: the same rule the bridge applies to reads.
  const order = await db
    .collection<Order>('orders')
    .findOneAndDelete({ _id: objectId(orderId), userId: await currentUserId() });
  if (order)
    await db.collection<Product>('products').updateOne({ _id: order.productId }, { $inc: { stock: order.quantity } });
}

export async function selectUser(form: FormData): Promise<void> {
  const userId = form.get('userId');
  if (!isDemoUserId(userId)) return;
  (await cookies()).set(USER_COOKIE, signSession(userId), { path: '/', sameSite: 'lax', httpOnly: true });
}
