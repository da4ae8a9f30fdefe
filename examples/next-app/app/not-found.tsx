import Link from 'next/link';
import styles from './not-found.module.css';

/** Any unknown address: the shop's own page, inside the usual header, with a way back. */
export default function NotFound() {
  return (
    <main className={styles.page}>
      <section className={`card ${styles.box}`} aria-labelledby="not-found-title" data-testid="not-found">
        <p className={styles.code} aria-hidden>
          404
        </p>
        <h1 id="not-found-title">This page is not in the shop</h1>
        <p className="lead">
          The address may be mistyped, or the page was never here. Everything live is one click away.
        </p>
        <nav className={styles.links} aria-label="Where to go">
          <Link className="btn btn-primary" href="/">
            Browse products
          </Link>
          <Link className="btn" href="/orders">
            My orders
          </Link>
          <Link className="btn" href="/activity">
            Activity
          </Link>
        </nav>
      </section>
    </main>
  );
}
