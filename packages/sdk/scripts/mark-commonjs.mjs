// The package is "type": "module", so Node would read dist/cjs/*.js as ES modules; this marker
// makes that directory CommonJS, which its files are (tsconfig.cjs.json).
import { writeFileSync } from "node:fs";

writeFileSync(new URL("../dist/cjs/package.json", import.meta.url), `${JSON.stringify({ type: "commonjs" })}\n`);
