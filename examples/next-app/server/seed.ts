import type { Db } from 'mongodb';
import type { Order, Product, User } from '../lib/model.js';
import { sampleShop } from '../lib/sampleData.js';

/** Fills an empty demo database with users, products and orders; leaves a non-empty one alone. */
export async function seedIfEmpty(db: Db): Promise<boolean> {
  if ((await db.collection('products').countDocuments({}, { limit: 1 })) > 0) return false;
  const { users, products, orders } = sampleShop();
  await db.collection<User>('users').insertMany(users);
  await db.collection<Product>('products').insertMany(products);
  await db.collection<Order>('orders').insertMany(orders);
  return true;
}
