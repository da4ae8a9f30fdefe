import type { Db } from 'mongodb';
import type { Order, Product, User } from '../lib/model.js';
import { sampleShop } from '../lib/sampleData.js';

/** Fills an empty demo database with users, products and orders; leaves a non-empty one alone. */
export async function seedIfEmpty(db: Db): Promise<boolean> {
  await enablePreAndPostImages(db);
  if ((await db.collection('products').countDocuments({}, { limit: 1 })) > 0) return false;
  const { users, products, orders } = sampleShop();
  await db.collection<User>('users').insertMany(users);
  await db.collection<Product>('products').insertMany(products);
  await db.collection<Order>('orders').insertMany(orders);
  return true;
}

/**
 * Row-filtered change streams decide removals exactly from pre-images (see the bridge's security
 * model): without them, a user is told of the removal only of documents its stream showed.
 */
async function enablePreAndPostImages(db: Db): Promise<void> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of ['users', 'products', 'orders']) {
    const images = { changeStreamPreAndPostImages: { enabled: true } };
    if (existing.has(name)) await db.command({ collMod: name, ...images });
    else await db.createCollection(name, images);
  }
}
