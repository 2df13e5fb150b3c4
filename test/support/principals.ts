/**
 * The callers a test needs: organizations, machine users, their roles and tokens, made
 * through the service's own commands in the running server's database, as an operator's
 * tools make them.
 */
import { DEFAULT_ROLES, RolePermissions, type RoleTable } from "../../src/access/role-permissions.js";
import { MemberCommands, type MembershipTarget } from "../../src/command/member-commands.js";
import { OrgCommands } from "../../src/command/org-commands.js";
import { UserCommands } from "../../src/command/user-commands.js";
import { INSTANCE, ORG } from "../../src/events/aggregates.js";
import { IdGenerator } from "../../src/id-generator.js";
import type { TestServer } from "./test-server.js";

/** The creator recorded on the events that set up a test. */
const SETUP_CREATOR = "test-setup";

/** A machine user with one personal access token. */
export interface Principal {
  readonly userId: string;
  /** The organization the user belongs to. */
  readonly orgId: string;
  readonly token: string;
  readonly tokenId: string;
}

/** Roles to grant: on the instance, and per organization ID. */
export interface Roles {
  readonly instance?: readonly string[];
  readonly orgs?: Readonly<Record<string, readonly string[]>>;
}

export class Principals {
  private readonly orgCommands: OrgCommands;
  private readonly userCommands: UserCommands;
  private readonly memberCommands: MemberCommands;
  /** Also makes the names unique, which organizations and usernames must be. */
  private readonly ids = new IdGenerator();

  /** @param roleTable  the table the server runs with, which decides which roles exist */
  constructor(
    private readonly server: TestServer,
    roleTable: RoleTable = DEFAULT_ROLES,
  ) {
    this.orgCommands = new OrgCommands(server.store, this.ids);
    this.userCommands = new UserCommands(server.store, this.ids);
    this.memberCommands = new MemberCommands(server.store, new RolePermissions(roleTable));
  }

  async org(): Promise<string> {
    return (await this.orgCommands.addOrg(`org ${this.ids.next()}`, SETUP_CREATOR)).orgId;
  }

  /** A machine user of the organization, with the roles, and a token that expires when given. */
  async machineUser(orgId: string, roles: Roles = {}, tokenExpiresAt?: Date): Promise<Principal> {
    const { userId } = await this.userCommands.addMachineUser(orgId, `machine-${this.ids.next()}`, "", SETUP_CREATOR);
    await this.grant(userId, roles);
    const { token, tokenId } = await this.userCommands.addToken(userId, tokenExpiresAt, SETUP_CREATOR);
    return { userId, orgId, token, tokenId };
  }

  /** Grants roles by user ID, which may name a machine user or an external issuer's subject. */
  async grant(userId: string, roles: Roles): Promise<void> {
    const targets: [MembershipTarget, readonly string[]][] = [
      [{ scope: INSTANCE, id: this.server.instance.id }, roles.instance ?? []],
      ...Object.entries(roles.orgs ?? {}).map(([id, names]): [MembershipTarget, readonly string[]] => [{ scope: ORG, id }, names]),
    ];
    for (const [target, names] of targets) {
      for (const role of names) await this.memberCommands.grantRole(target, userId, role, SETUP_CREATOR);
    }
  }

  async revokeOrgRole(userId: string, orgId: string, role: string): Promise<void> {
    await this.memberCommands.revokeRole({ scope: ORG, id: orgId }, userId, role, SETUP_CREATOR);
  }

  revokeToken(principal: Principal): Promise<void> {
    return this.userCommands.revokeToken(principal.userId, principal.tokenId, SETUP_CREATOR);
  }
}
