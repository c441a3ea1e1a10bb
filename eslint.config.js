import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["node_modules/**", "reports/**", ".venv/**", ".cache/**", "adapters/**/vendor/**", "**/*.cjs"],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    // harness/ knows no suite: suites build on harness/, never the other way round. The CLI is the one
    // place that composes both.
    files: ["harness/**/*.ts"],
    ignores: ["harness/cli/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/suites/**"], message: "harness/ must not import suites/" }] },
      ],
    },
  },
);
