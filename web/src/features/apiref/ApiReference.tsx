import { useEffect, useRef } from 'react';
import SwaggerUI from 'swagger-ui-dist/swagger-ui-es-bundle.js';
import 'swagger-ui-dist/swagger-ui.css';
import { csrfHeaders } from '../../shared/api';
import { Link } from '../../shared/components/Link';

/** The API reference: Swagger UI over the server's own /api/v1/openapi.json (loaded lazily: it is large). */
export function ApiReference() {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    SwaggerUI({
      domNode: host.current,
      url: '/api/v1/openapi.json',
      deepLinking: true,
      docExpansion: 'list',
      // "Try it out" runs as the signed-in user: the session cookie goes along, state changes need the CSRF header
      requestInterceptor: (request) => {
        Object.assign(request.headers, csrfHeaders());
        return request;
      },
    });
  }, []);
  return (
    <main className="api-reference">
      <header className="page-header">
        <span className="logo" aria-hidden="true">◆</span>
        <h1>DeepForge API</h1>
        <Link to="/" className="muted">Projects</Link>
      </header>
      <p className="muted">
        Every route of this server, generated from its route table: <a href="/api/v1/openapi.json">openapi.json</a> (OpenAPI 3.1).
        Scripts sign in with <code>Authorization: Bearer &lt;token&gt;</code>; create a token on the Account page.
      </p>
      <div ref={host} data-testid="api-reference" />
    </main>
  );
}
