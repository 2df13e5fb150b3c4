/**
 * PolicyReachService (lps.v1, this service's own): which organizations the instance's
 * default login policy governs. Thin: convert, call, convert back.
 */
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { LoginPolicyReachFilter, PolicyReachService } from "../../gen/lps/v1/policy_reach_pb.js";
import { invalidArgument } from "../errors.js";
import type { PolicyReachQueries, ReachFilter } from "../query/policy-reach.js";

/** A page holds this many organizations unless the caller asks for another number. */
const DEFAULT_PAGE = 100;
/** The longest page: larger lists are read a page at a time. */
const MAX_PAGE = 1000;

const FILTERS: Readonly<Record<LoginPolicyReachFilter, ReachFilter>> = {
  [LoginPolicyReachFilter.UNSPECIFIED]: "all",
  [LoginPolicyReachFilter.FOLLOWING_DEFAULT]: "followingDefault",
  [LoginPolicyReachFilter.CUSTOM]: "custom",
};

export function policyReachService(reach: PolicyReachQueries): ServiceImpl<typeof PolicyReachService> {
  return {
    async listLoginPolicyReach(req) {
      const filter = FILTERS[req.filter];
      if (filter === undefined) {
        throw invalidArgument("POLICY-R3chF", "Errors.LoginPolicy.Reach.InvalidFilter", `filter must be LOGIN_POLICY_REACH_FILTER_UNSPECIFIED, _FOLLOWING_DEFAULT or _CUSTOM (got ${req.filter})`);
      }
      if (req.limit > MAX_PAGE) {
        throw invalidArgument("POLICY-R3chL", "Errors.LoginPolicy.Reach.LimitTooLarge", `limit must be at most ${MAX_PAGE} (got ${req.limit})`);
      }
      // Beyond any list: answered as an empty page, as an offset past the end is.
      const offset = req.offset > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(req.offset);
      const page = await reach.page(filter, offset, req.limit === 0 ? DEFAULT_PAGE : req.limit);
      return {
        details: { totalResult: BigInt(page.total), viewTimestamp: timestampNow() },
        result: page.organizations.map((org) => ({ orgId: org.orgId, orgName: org.orgName, followsDefault: org.followsDefault })),
        followingDefault: BigInt(page.followingDefault),
        custom: BigInt(page.custom),
      };
    },
  };
}
