import type { ObjectId } from 'mongodb';

/** Shapes of the demo's `shop` database. */
export interface Product {
  _id: ObjectId;
  name: string;
  category: Category;
  price: number;
  stock: number;
}

export interface Order {
  _id: ObjectId;
  userId: string;
  productId: ObjectId;
  productName: string;
  quantity: number;
  total: number;
  createdAt: Date;
}

/**
 * One unit of `product` ordered by `userId` now: what the server action and the stories' test shop
 * both insert.
 */
export function orderOf(product: Pick<Product, '_id' | 'name' | 'price'>, userId: string): Omit<Order, '_id'> {
  return {
    userId,
    productId: product._id,
    productName: product.name,
    quantity: 1,
    total: product.price,
    createdAt: new Date(),
  };
}

export interface User {
  _id: string;
  name: string;
  email?: string; // hidden from browsers by the bridge's projection
  color: string;
}

export const CATEGORIES = ['books', 'games', 'kitchen', 'garden'] as const;
export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}
