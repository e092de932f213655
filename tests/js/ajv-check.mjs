// Compile the input schema with Ajv (JSON Schema 2020-12) in strict mode, with only the schema's own
// annotation keywords registered, then validate each document given. Prints one JSON object.
// Usage: node ajv-check.mjs SCHEMA.json [DOCUMENT.json ...]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const [schemaFile, ...documents] = process.argv.slice(2);
const schema = JSON.parse(readFileSync(schemaFile, "utf8"));
const annotations = JSON.parse(process.env.ICPRULES_ANNOTATIONS || "[]");
const warnings = [];
const ajv = new Ajv2020({
  strict: true,
  // A property required under if/then is declared in another subschema (the model's own), and an
  // if/then tests a property without restating the object's type: both are what these two flags reject.
  strictRequired: false,
  strictTypes: false,
  allErrors: true,
  logger: { log: () => {}, warn: (m) => warnings.push(String(m)), error: (m) => warnings.push(String(m)) },
});
addFormats(ajv);
ajv.addVocabulary(annotations);
let validate;
try {
  validate = ajv.compile(schema);
} catch (error) {
  console.log(JSON.stringify({ compiled: false, error: String(error.message), warnings }));
  process.exit(0);
}
const results = documents.map((file) => {
  const ok = validate(JSON.parse(readFileSync(file, "utf8")));
  return { file, valid: ok, errors: ok ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message}`) };
});
console.log(JSON.stringify({ compiled: true, warnings, results }));
