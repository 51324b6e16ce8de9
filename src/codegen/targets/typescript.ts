import type { Target } from "../target.js";
import { fail } from "../../diagnostics/diagnostic.js";

export const typescriptTarget = (): Target => fail("unsupported", "the TypeScript target is not written yet");
