import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";

function Document({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        {title ? <title>{title}</title> : null}
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <Document>
      <Outlet />
    </Document>
  );
}

/**
 * What a merchant sees when a page fails or does not exist: a plain sentence, no stack, and
 * no console output (Remix's default boundary logs every error and shows a note for the
 * developer). The server logs the error itself (entry.server.tsx, handleError).
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const title = notFound ? "Page not found" : "Something went wrong";
  return (
    <Document title={title}>
      <main style={{ fontFamily: "-apple-system, BlinkMacSystemFont, 'San Francisco', 'Segoe UI', Roboto, sans-serif", padding: "2rem" }}>
        <h1 style={{ fontSize: "1.5rem" }}>{title}</h1>
        <p>
          {notFound
            ? "There is no page at this address. Open the app again from your Shopify admin."
            : "The app could not show this page. Try again in a moment; if it keeps happening, open the app again from your Shopify admin."}
        </p>
      </main>
    </Document>
  );
}
