/**
 * What server reflection hands out: every file that defines a served service and every file
 * those import, transitively (zitadel/*, google/api/*, google/protobuf/*), plus the files of
 * the error details that failures carry, all taken from the generated code. Each file is
 * serialized once, as the google.protobuf.FileDescriptorProto it was generated from, and
 * indexed by the names reflection clients ask for.
 */
import { toBinary, type DescFile, type DescMessage, type DescService } from "@bufbuild/protobuf";
import { nestedTypes } from "@bufbuild/protobuf/reflect";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";

export class ServedDescriptors {
  /** The served services' full names, in the order they were given. */
  readonly serviceNames: readonly string[];
  private readonly files = new Map<string, DescFile>();
  private readonly encoded = new Map<string, Uint8Array>();
  /** Every fully-qualified name a file defines, down to fields and enum values. */
  private readonly fileOfSymbol = new Map<string, DescFile>();
  /** Extensions by the message they extend, then by number. */
  private readonly extensionsOf = new Map<string, Map<number, DescFile>>();
  private readonly messageNames = new Set<string>();

  /**
   * @param services  the served services
   * @param errorDetails  the messages failures carry as google.rpc.Status details, which no
   *                      service's file imports but clients need to decode them
   */
  constructor(services: readonly DescService[], errorDetails: readonly DescMessage[]) {
    this.serviceNames = services.map((service) => service.typeName);
    for (const desc of [...services, ...errorDetails]) this.add(desc.file);
  }

  /**
   * The named file, then those of its imports (transitively) that are not in `sent`, each
   * serialized; every file returned is added to `sent`. The named file always comes first,
   * sent before or not. Undefined for a file that is not served.
   */
  fileWithImports(name: string, sent: Set<string>): Uint8Array[] | undefined {
    const file = this.files.get(name);
    if (!file) return undefined;
    const out = [this.encoded.get(name)!];
    sent.add(name);
    const seen = new Set([name]);
    const queue = [...file.dependencies];
    for (let next = queue.shift(); next; next = queue.shift()) {
      const nextName = fileName(next);
      if (seen.has(nextName)) continue;
      seen.add(nextName);
      if (!sent.has(nextName)) out.push(this.encoded.get(nextName)!);
      sent.add(nextName);
      queue.push(...next.dependencies);
    }
    return out;
  }

  /** The name of the file that defines a symbol: a service, method, message, field, enum, value, extension. */
  fileContainingSymbol(symbol: string): string | undefined {
    const file = this.fileOfSymbol.get(symbol);
    return file && fileName(file);
  }

  /** The name of the file that declares the extension `number` of a message type. */
  fileContainingExtension(typeName: string, number: number): string | undefined {
    const file = this.extensionsOf.get(typeName)?.get(number);
    return file && fileName(file);
  }

  /** The numbers of the extensions of a message type, ascending; undefined for an unknown type. */
  extensionNumbers(typeName: string): number[] | undefined {
    if (!this.messageNames.has(typeName)) return undefined;
    return [...(this.extensionsOf.get(typeName)?.keys() ?? [])].sort((a, b) => a - b);
  }

  private add(file: DescFile): void {
    const name = fileName(file);
    if (this.files.has(name)) return;
    this.files.set(name, file);
    this.encoded.set(name, toBinary(FileDescriptorProtoSchema, file.proto));
    this.index(file);
    for (const dependency of file.dependencies) this.add(dependency);
  }

  private index(file: DescFile): void {
    const define = (name: string) => this.fileOfSymbol.set(name, file);
    for (const type of nestedTypes(file)) {
      define(type.typeName);
      switch (type.kind) {
        case "message":
          this.messageNames.add(type.typeName);
          for (const member of [...type.fields, ...type.oneofs]) define(`${type.typeName}.${member.name}`);
          break;
        case "enum":
          // Enum values are siblings of their enum, in C++ scoping.
          for (const value of type.values) define(scoped(type.parent, file, value.name));
          break;
        case "service":
          for (const method of type.methods) define(`${type.typeName}.${method.name}`);
          break;
        case "extension": {
          const numbers = this.extensionsOf.get(type.extendee.typeName) ?? new Map<number, DescFile>();
          numbers.set(type.number, file);
          this.extensionsOf.set(type.extendee.typeName, numbers);
          break;
        }
      }
    }
  }
}

/** The file's name as imports spell it, e.g. "google/api/http.proto" (DescFile.name drops ".proto"). */
function fileName(file: DescFile): string {
  return file.proto.name;
}

/** A name declared in a message, or at the top of a file (in its package, if it has one). */
function scoped(parent: DescMessage | undefined, file: DescFile, name: string): string {
  const scope = parent ? parent.typeName : file.proto.package;
  return scope ? `${scope}.${name}` : name;
}
