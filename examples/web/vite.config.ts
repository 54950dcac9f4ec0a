import { defineConfig, loadEnv } from 'vite';

/**
 * The example's server, in development (`vite`) and for the built files
 * (`vite preview`): on WEB_PORT, talking to the API at VITE_API_URL, under a
 * Content Security Policy as strict as the app allows. Serve the built
 * files with the same header in production.
 */
export default defineConfig(({ mode }) => {
  const env = { ...loadEnv(mode, import.meta.dirname, ''), ...process.env };
  const port = Number(env.WEB_PORT ?? 5173);
  const apiUrl = env.VITE_API_URL ?? 'http://localhost:3000';
  const policy = [
    "default-src 'self'",
    `connect-src 'self' ${new URL(apiUrl).origin}`,
    "script-src 'self'",
    // Vite injects the CSS of modules as <style> elements in development.
    `style-src 'self'${mode === 'development' ? " 'unsafe-inline'" : ''}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const headers = { 'content-security-policy': policy, 'x-content-type-options': 'nosniff' };
  return {
    define: { 'import.meta.env.VITE_API_URL': JSON.stringify(apiUrl) },
    server: { host: 'localhost', port, strictPort: true, headers },
    preview: { host: 'localhost', port, strictPort: true, headers },
    build: { outDir: 'dist', emptyOutDir: true },
  };
});
