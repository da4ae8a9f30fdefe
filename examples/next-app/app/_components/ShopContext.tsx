'use client';
import { createContext, useContext } from 'react';

/** What the server knows and the browser needs: the database name and the signed-in demo user. */
export interface Shop {
  dbName: string;
  userId: string;
}

export const ShopContext = createContext<Shop | undefined>(undefined);

export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error('useShop() needs <Providers> above it');
  return shop;
}
