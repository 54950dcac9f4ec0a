/**
 * The API router's type, written out for clients that install
 * `@groundwork/client` outside this repository. The server's `AppRouter`
 * reaches into its context (database, Redis, logger types) and its packages;
 * a client needs only each procedure's kind, input and output. Those are read
 * with the compiler and printed as plain structural types, so the published
 * declarations name nothing but `@trpc/server` and the client's own files.
 */
import { fileURLToPath } from 'node:url';

import ts from 'typescript';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** A module that exists only in memory, beside the client's sources so that it resolves the API the same way. */
const SHAPE_FILE = `${REPO_ROOT}packages/client/src/__router-shape__.ts`;
const SHAPE_SOURCE = `
import type { AppRouter } from '@groundwork/api/router';
import type { AnyProcedure, inferProcedureInput } from '@trpc/server';
type Shape<TRecord> = {
  [K in keyof TRecord]: TRecord[K] extends AnyProcedure
    ? { kind: TRecord[K]['_def']['type']; input: inferProcedureInput<TRecord[K]>; output: TRecord[K]['_def']['$types']['output'] }
    : Shape<TRecord[K]>;
};
export type RouterShape = Shape<AppRouter['_def']['record']>;
`;

const PROCEDURE_TYPES = { query: 'TRPCQueryProcedure', mutation: 'TRPCMutationProcedure' } as const;

function compilerOptions(): ts.CompilerOptions {
  const configPath = `${REPO_ROOT}tsconfig.json`;
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, REPO_ROOT);
  return { ...parsed.options, noEmit: true };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function createPrinter(checker: ts.TypeChecker, program: ts.Program) {
  const isLibType = (type: ts.Type) =>
    (type.getSymbol()?.getDeclarations() ?? []).some((declaration) =>
      program.isSourceFileDefaultLibrary(declaration.getSourceFile()),
    );

  function print(type: ts.Type, depth: number): string {
    if (depth > 40) throw new Error(`type too deep to print: ${checker.typeToString(type)}`);
    const flags = type.flags;
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return 'unknown';
    if (flags & ts.TypeFlags.String) return 'string';
    if (flags & ts.TypeFlags.Number) return 'number';
    if (flags & ts.TypeFlags.Boolean) return 'boolean';
    if (flags & ts.TypeFlags.Null) return 'null';
    if (flags & ts.TypeFlags.Undefined) return 'undefined';
    if (flags & ts.TypeFlags.Void) return 'void';
    if (flags & ts.TypeFlags.Never) return 'never';
    if (flags & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral | ts.TypeFlags.BooleanLiteral)) {
      return checker.typeToString(type);
    }
    if (type.isUnion()) {
      const parts = type.types.map((member) => print(member, depth + 1));
      const hasTrue = parts.includes('true');
      const hasFalse = parts.includes('false');
      const merged = hasTrue && hasFalse ? [...parts.filter((p) => p !== 'true' && p !== 'false'), 'boolean'] : parts;
      return [...new Set(merged)].join(' | ');
    }
    if (type.isIntersection()) return type.types.map((member) => `(${print(member, depth + 1)})`).join(' & ');
    if (checker.isArrayType(type)) {
      const [element] = checker.getTypeArguments(type as ts.TypeReference);
      return `Array<${element ? print(element, depth + 1) : 'unknown'}>`;
    }
    if (checker.isTupleType(type)) {
      return `[${checker
        .getTypeArguments(type as ts.TypeReference)
        .map((member) => print(member, depth + 1))
        .join(', ')}]`;
    }
    if (flags & ts.TypeFlags.Object) {
      if (isLibType(type)) return checker.typeToString(type); // Date and other built-ins
      if (type.getCallSignatures().length > 0)
        throw new Error(`a function in a procedure's types: ${checker.typeToString(type)}`);
      const members = checker.getPropertiesOfType(type).map((property) => {
        const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
        const name = IDENTIFIER.test(property.name) ? property.name : JSON.stringify(property.name);
        const propertyType = checker.getTypeOfSymbol(property);
        return `${name}${optional ? '?' : ''}: ${print(propertyType, depth + 1)}`;
      });
      for (const info of checker.getIndexInfosOfType(type)) {
        members.push(`[key: ${print(info.keyType, depth + 1)}]: ${print(info.type, depth + 1)}`);
      }
      return `{ ${members.join('; ')} }`;
    }
    throw new Error(`cannot print a procedure's type: ${checker.typeToString(type)}`);
  }

  return (type: ts.Type) => print(type, 0);
}

/** The declaration file text of `AppRouter` as clients see it. */
export function generateRouterDeclarations(): string {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (path) => (path === SHAPE_FILE ? SHAPE_SOURCE : readFile(path));
  host.fileExists = (path) => path === SHAPE_FILE || fileExists(path);
  host.getSourceFile = (path, language, ...rest) =>
    path === SHAPE_FILE
      ? ts.createSourceFile(path, SHAPE_SOURCE, language, true)
      : getSourceFile(path, language, ...rest);
  const program = ts.createProgram({ rootNames: [SHAPE_FILE], options, host });
  const source = program.getSourceFile(SHAPE_FILE);
  const errors = ts.getPreEmitDiagnostics(program, source);
  if (errors.length > 0) {
    throw new Error(ts.formatDiagnosticsWithColorAndContext(errors, host));
  }
  const checker = program.getTypeChecker();
  const alias = source?.statements
    .filter(ts.isTypeAliasDeclaration)
    .find((statement) => statement.name.text === 'RouterShape');
  if (!alias) throw new Error('RouterShape not found');
  const print = createPrinter(checker, program);

  function record(type: ts.Type, indent: string): string {
    const lines = checker.getPropertiesOfType(type).map((property) => {
      const member = checker.getTypeOfSymbol(property);
      const kind = member.getProperty('kind');
      if (!kind) return `${indent}  ${property.name}: ${record(member, `${indent}  `)};`;
      const kindName = checker.typeToString(checker.getTypeOfSymbol(kind)).replaceAll('"', '');
      if (kindName !== 'query' && kindName !== 'mutation') throw new Error(`unsupported procedure kind ${kindName}`);
      const input = print(checker.getTypeOfSymbol(member.getProperty('input') as ts.Symbol));
      const output = print(checker.getTypeOfSymbol(member.getProperty('output') as ts.Symbol));
      return `${indent}  ${property.name}: ${PROCEDURE_TYPES[kindName]}<{ input: ${input}; output: ${output}; meta: object }>;`;
    });
    return `{\n${lines.join('\n')}\n${indent}}`;
  }

  const shape = checker.getTypeAtLocation(alias.name);
  return [
    '// Generated from the API router by scripts/client/router-types.ts: do not edit.',
    "import type { TRPCBuiltRouter, TRPCMutationProcedure, TRPCQueryProcedure } from '@trpc/server';",
    "import type { ApiErrorShape } from './errors.js';",
    '',
    '/** The Groundwork API router as clients see it: every procedure, its input and its output. */',
    'export type AppRouter = TRPCBuiltRouter<',
    '  { ctx: object; meta: object; errorShape: ApiErrorShape; transformer: false },',
    `  ${record(shape, '  ')}`,
    '>;',
    '',
  ].join('\n');
}
