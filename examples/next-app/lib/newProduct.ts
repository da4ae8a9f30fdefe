import { isCategory, type Product } from './model';

/**
 * Reads the "Add a product" form: the product to insert (without `_id`), or the message to show.
 * One rule set for the server action and the stories' in-memory shop.
 */
export function parseNewProduct(form: FormData): { product: Omit<Product, '_id'> } | { error: string } {
  const name = String(form.get('name') ?? '').trim();
  const category = form.get('category');
  const price = Number(form.get('price'));
  if (!name || name.length > 80) return { error: 'Give the product a name (up to 80 characters).' };
  if (!isCategory(category)) return { error: 'Pick a category.' };
  if (!Number.isFinite(price) || price <= 0 || price > 10_000) return { error: 'Price must be between 0 and 10,000.' };
  return { product: { name, category, price: Math.round(price * 100) / 100, stock: 10 } };
}
