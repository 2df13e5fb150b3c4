/** Jest's "postgres" project: test/support/test-database.ts reads this to pick the engine. */
process.env.LPS_TEST_ENGINE = "postgres";
