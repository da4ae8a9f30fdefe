import { ObjectId } from '@mongo-live/client';
import type { Category, Order, Product, User } from './model';

// The demo's sample data, one source for the seeded database (server/seed.ts) and for the
// in-memory one of the stories and component tests.

const users: User[] = [
  { _id: 'ada', name: 'Ada Lovelace', email: 'ada@example.com', color: '#7c3aed' },
  { _id: 'grace', name: 'Grace Hopper', email: 'grace@example.com', color: '#0891b2' },
  { _id: 'linus', name: 'Linus Torvalds', email: 'linus@example.com', color: '#ea580c' },
];

const catalog: Array<[string, Category, number]> = [
  ['The Pragmatic Programmer', 'books', 42],
  ['Designing Data-Intensive Applications', 'books', 48],
  ['Structure and Interpretation of Computer Programs', 'books', 55],
  ['The Art of Computer Programming, Vol. 1', 'books', 89],
  ['Clean Architecture', 'books', 31],
  ['Catan', 'games', 45],
  ['Ticket to Ride', 'games', 39],
  ['Chess Set, Walnut', 'games', 120],
  ['Azul', 'games', 35],
  ['Cast Iron Skillet', 'kitchen', 29],
  ['Chef Knife, 8"', 'kitchen', 74],
  ['Pour-over Coffee Set', 'kitchen', 38],
  ['Garden Hose, 25 m', 'garden', 33],
  ['Pruning Shears', 'garden', 19],
  ['Raised Bed Kit', 'garden', 95],
  ['Herb Seed Collection', 'garden', 12],
];

/** Users, products and orders, with orders placed in the hours before `now`. */
export function sampleShop(now = Date.now()): { users: User[]; products: Product[]; orders: Order[] } {
  const products: Product[] = catalog.map(([name, category, price], i) => ({
    _id: new ObjectId(),
    name,
    category,
    price,
    stock: 5 + ((i * 7) % 20),
  }));
  const orders: Order[] = [
    ['ada', 1, 1],
    ['ada', 9, 2],
    ['grace', 5, 1],
    ['grace', 11, 1],
    ['linus', 7, 1],
    ['linus', 14, 3],
  ].map(([userId, productIndex, quantity], i) => {
    const product = products[productIndex as number]!;
    return {
      _id: new ObjectId(),
      userId: userId as string,
      productId: product._id,
      productName: product.name,
      quantity: quantity as number,
      total: product.price * (quantity as number),
      createdAt: new Date(now - (6 - i) * 3_600_000),
    };
  });
  return { users: users.map((u) => ({ ...u })), products, orders };
}
