/**
 * Descriptors of the proto files with their comments: `buf build` (from the devDependencies,
 * no network) compiles proto/ into a FileDescriptorSet that keeps the source info, which
 * the descriptors embedded in gen/ leave out.
 */
import { createFileRegistry, fromBinary, type FileRegistry } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** The proto files of the project at `root`, and every file they import. */
export function buildProtoImage(root: string): FileRegistry {
  const buf = join(root, "node_modules", ".bin", "buf");
  const image = execFileSync(buf, ["build", "--as-file-descriptor-set", "--output", "-"], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, image));
}
