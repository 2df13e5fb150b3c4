import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The layers of src/, top to bottom (the README's "How it is built" draws them): a module may
 * import its own layer and those below it, never one above, so that a request's road runs one
 * way. Layers on one level (commands and queries) do not import each other either: what both
 * need lies below both.
 */
const LEVELS = [
  [{ name: "the composition (server, CLI)", files: ["src/main.ts", "src/cli/**", "src/server/**", "src/service.ts", "src/openapi/**"] }],
  [{ name: "the configuration", files: ["src/config.ts"] }],
  [{ name: "the interceptors", files: ["src/interceptors/**"] }],
  [{ name: "the API handlers", files: ["src/api/**"] }],
  [
    { name: "the commands", files: ["src/command/**"] },
    { name: "the queries", files: ["src/query/**"] },
  ],
  [{ name: "access", files: ["src/access/**"] }],
  [{ name: "identity", files: ["src/identity/**"] }],
  [{ name: "the projections", files: ["src/projections/**"] }],
  [{ name: "the event store", files: ["src/eventstore/**"] }],
  [
    {
      name: "the domain and the basics",
      files: [
        "src/domain/**",
        "src/events/**",
        "src/errors.ts",
        "src/deep-freeze.ts",
        "src/logger.ts",
        "src/log-output.ts",
        "src/metrics/**",
        "src/call-context/**",
        "src/net/**",
        "src/id-generator.ts",
        "src/process-guard.ts",
      ],
    },
  ],
];

/** Import paths that lead into a layer's files: "../server/x.js", "../../config.js" ... */
function importsOf(layer) {
  return layer.files.map((glob) => `**/${glob.replace(/^src\//, "").replace(/\.ts$/, ".js")}`);
}

const layering = LEVELS.flatMap((level, depth) =>
  level.map((layer) => {
    const forbidden = [...LEVELS.slice(0, depth).flat(), ...level.filter((peer) => peer !== layer)];
    return {
      files: layer.files,
      rules: {
        "no-restricted-imports": [
          "error",
          {
            patterns: forbidden.map((other) => ({
              group: importsOf(other),
              message: `${layer.name} may not import ${other.name}, which is not below them: import the other way round, or move what both need below both.`,
            })),
          },
        ],
      },
    };
  }),
);

export default tseslint.config(
  { ignores: ["dist/", "gen/", "data/", "node_modules/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
      "no-console": "error",
    },
  },
  ...layering,
  {
    // The benchmark drives the service from outside, as a client: not through its interceptors.
    // The edge's no-op server is the exception: it is the service's own edge with nothing
    // behind it, put together as the server is.
    files: ["bench/**"],
    ignores: ["bench/edge-noop-server.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/src/interceptors/**"], message: "the benchmark calls the service as a client does, through no interceptor of its own" }] },
      ],
    },
  },
  {
    // Example programs print their results.
    files: ["examples/**/*.ts"],
    rules: { "no-console": "off" },
  },
  {
    // Tests read responses as untyped JSON, the way a client in any language would.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
