/**
 * The deployment recipe's files, checked for what can be checked without Docker or a
 * cluster: they parse, have the shapes their tools require, agree with each other (labels,
 * ports, probes' paths, settings the service knows), and the dashboard queries only
 * metrics a real server exports.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { parse, parseAllDocuments } from "yaml";
import { bearer } from "../../harness/connect-clients.js";
import { repositoryPath } from "../../harness/repository.js";
import { removeTempDirs } from "../../harness/temp-dir.js";
import { SETTINGS } from "../../src/config.js";
import { parseSamples } from "../support/prometheus-text.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const read = (path: string) => readFileSync(repositoryPath(path), "utf8");
/** Every variable the service reads. */
const KNOWN_SETTINGS = new Set(Object.values(SETTINGS).map((setting) => setting.env));

function yamlDocument(path: string): any {
  const documents = parseAllDocuments(read(path));
  expect(documents).toHaveLength(1);
  expect(documents[0]!.errors).toEqual([]);
  return documents[0]!.toJS();
}

describe("Kubernetes manifests", () => {
  const deployment = yamlDocument("deploy/kubernetes/deployment.yaml");
  const service = yamlDocument("deploy/kubernetes/service.yaml");
  const budget = yamlDocument("deploy/kubernetes/pod-disruption-budget.yaml");
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const podLabels = deployment.spec.template.metadata.labels;
  const matches = (selector: Record<string, string>) => Object.entries(selector).every(([key, value]) => podLabels[key] === value);

  it("are the API objects they claim to be", () => {
    expect([deployment.apiVersion, deployment.kind]).toEqual(["apps/v1", "Deployment"]);
    expect([service.apiVersion, service.kind]).toEqual(["v1", "Service"]);
    expect([budget.apiVersion, budget.kind]).toEqual(["policy/v1", "PodDisruptionBudget"]);
    for (const object of [deployment, service, budget]) expect(object.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it("the Deployment runs several replicas as a non-root user, selecting its own pods", () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(matches(deployment.spec.selector.matchLabels)).toBe(true);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(SETTINGS.shutdownGraceMs.fallback));
  });

  it("the container listens on all addresses, on the port its probes ask, with settings the service knows", () => {
    const env = Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    for (const name of Object.keys(env)) expect(KNOWN_SETTINGS).toContain(name);
    expect(env.LPS_HOST).toBe("0.0.0.0");
    const port = container.ports.find((p: { name: string }) => p.name === "api");
    expect(port.containerPort).toBe(Number(env.LPS_PORT));
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "api" });
    expect(container.readinessProbe.grpc.port).toBe(port.containerPort);
    expect(container.startupProbe.httpGet.path).toBe("/ready");
    expect(Number(env.LPS_REPLICAS)).toBe(deployment.spec.replicas);
  });

  it("the Service and the PodDisruptionBudget select the Deployment's pods", () => {
    expect(matches(service.spec.selector)).toBe(true);
    expect(service.spec.ports[0].targetPort).toBe("api");
    expect(matches(budget.spec.selector.matchLabels)).toBe(true);
    expect(budget.spec.maxUnavailable).toBeLessThan(deployment.spec.replicas);
  });
});

describe("compose.yaml", () => {
  const compose = parse(read("deploy/compose.yaml"));

  it("runs PostgreSQL, three replicas built from the Dockerfile, and nginx with the checked-in config", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["lps", "nginx", "postgres"]);
    const { lps, nginx, postgres } = compose.services;
    expect(postgres.healthcheck.test).toEqual(expect.arrayContaining([expect.stringContaining("pg_isready")]));
    expect(lps.deploy.replicas).toBe(3);
    expect(lps.build).toEqual({ context: "..", dockerfile: "Dockerfile" });
    expect(lps.depends_on.postgres.condition).toBe("service_healthy");
    for (const name of Object.keys(lps.environment)) expect(KNOWN_SETTINGS).toContain(name);
    expect(lps.environment.LPS_DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    expect(Number(lps.environment.LPS_REPLICAS)).toBe(lps.deploy.replicas);
    expect(nginx.volumes).toContain("./nginx.conf:/etc/nginx/nginx.conf:ro");
  });

  it("nginx reaches the replicas by the service's name and port", () => {
    const config = read("deploy/nginx.conf");
    expect(config.match(/server lps:8080;/g)).toHaveLength(2);
    expect(config).toMatch(/grpc_pass grpc:\/\/lps_grpc;/);
  });
});

describe("Dockerfile", () => {
  const lines = read("Dockerfile").split("\n");
  const instructions = lines.filter((line) => /^[A-Z]+ /.test(line));

  it("builds in one stage and runs from another, as a user that is not root, with a health check", () => {
    expect(instructions.filter((line) => line.startsWith("FROM "))).toHaveLength(2);
    expect(instructions.filter((line) => line.startsWith("USER ")).at(-1)).toBe("USER node");
    expect(instructions.some((line) => line.startsWith("HEALTHCHECK "))).toBe(true);
    expect(lines.some((line) => line.endsWith("\\"))).toBe(false);
  });
});

describe("Grafana dashboard", () => {
  const dashboard = JSON.parse(read("deploy/grafana/lps-dashboard.json"));
  const panels = dashboard.panels.filter((panel: { type: string }) => panel.type !== "row");
  const expressions: string[] = panels.flatMap((panel: { targets: { expr: string }[] }) => panel.targets.map((t) => t.expr));
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
    removeTempDirs();
  });

  it("queries only metrics that a running server exports", async () => {
    // One call, so that the call metrics have series.
    await fetch(`${server.url}/admin/v1/policies/login`, { headers: bearer(server.adminToken) });
    const exported = new Set<string>();
    const response = await fetch(`${server.url}/metrics`, { headers: bearer(server.adminToken) });
    const text = await response.text();
    for (const sample of parseSamples(text)) exported.add(sample.name);
    // Metrics with labels but no series yet still announce themselves.
    for (const [, name] of text.matchAll(/^# TYPE (\S+) /gm)) exported.add(name!);
    const queried = new Set(expressions.flatMap((expr) => [...expr.matchAll(/\b((?:lps|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!)));
    expect(queried.size).toBeGreaterThan(10);
    const missing = [...queried].filter((name) => !exported.has(name) && !exported.has(name.replace(/_(bucket|count|sum)$/, "")));
    expect(missing).toEqual([]);
  });

  it("has a title, a data source variable, and panels that do not overlap", () => {
    expect(dashboard.title).toBe("Login Policy Service");
    expect(dashboard.templating.list.map((v: { name: string }) => v.name)).toEqual(["datasource", "job"]);
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      const { x, y, w, h } = panel.gridPos;
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`)).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
    }
    expect(new Set(panels.map((p: { title: string }) => p.title)).size).toBe(panels.length);
  });
});
