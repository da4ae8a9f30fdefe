'use client';
import { createContext, useContext } from 'react';

/** What a form action reports back: nothing, or a message for the user. */
export interface ActionResult {
  error?: string;
}

/**
 * The shop's writes. In the app they are the server actions of `app/actions.ts` (the plain driver,
 * nothing refetched by hand: every page sees the change through its live queries); in stories and
 * component tests, writes to the in-memory testing client. The components never know which.
 */
export interface ShopActions {
  addProduct(previous: ActionResult, form: FormData): Promise<ActionResult>;
  changePrice(productId: string, delta: number): Promise<void>;
  deleteProduct(productId: string): Promise<void>;
  placeOrder(productId: string): Promise<ActionResult>;
  cancelOrder(orderId: string): Promise<void>;
}

/** What the server knows and the browser needs: the database name, the signed-in demo user, the writes. */
export interface Shop {
  dbName: string;
  userId: string;
  actions: ShopActions;
}

export const ShopContext = createContext<Shop | undefined>(undefined);

export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error('useShop() needs <Providers> above it');
  return shop;
}
