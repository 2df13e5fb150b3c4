// Builds the console into dist/console/, which the service serves at /console/ (see
// src/server/console/). Run from the repository root by `npm run build`.
import { defineConfig } from "vite";

export default defineConfig({
  root: "console",
  base: "/console/",
  // Nothing is copied verbatim: every file the page loads is built and named by its hash.
  publicDir: false,
  build: {
    outDir: "../dist/console",
    emptyOutDir: true,
    // The service sends the page with a Content-Security-Policy that allows no inline
    // script or style, so nothing may be inlined as a data: URL either.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: "es2022",
    reportCompressedSize: false,
  },
});
