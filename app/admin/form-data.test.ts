import { describe, expect, it } from "vitest";
import { z } from "zod";
import { asSentence, fieldErrorsOf, firstErrorField, formToObject, isTicked, keepEditsMadeDuringSave } from "./form-data";

describe("form plumbing", () => {
  it("GIVEN posted fields WHEN read THEN strings are kept and files are ignored", () => {
    const form = new FormData();
    form.set("kaleyraSid", "HX1");
    form.set("upload", new Blob(["x"]), "x.txt");
    expect(formToObject(form)).toEqual({ kaleyraSid: "HX1" });
  });

  it("GIVEN a schema's fragment WHEN shown THEN it reads as a sentence", () => {
    expect(asSentence("must be text")).toBe("Must be text.");
    expect(asSentence("Enter your SID.")).toBe("Enter your SID.");
    expect(asSentence("must be one of IN, SG (pod)")).toBe("Must be one of IN, SG (pod)");
  });

  it("GIVEN several issues on one field WHEN mapped THEN each field shows its first message, keyed by path", () => {
    const schema = z.object({
      sid: z.string().min(3, "too short").regex(/^[A-Z]+$/, "capitals only"),
      nested: z.object({ body: z.string({ error: "is required" }) }),
    });
    const result = schema.safeParse({ sid: "a", nested: {} });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(fieldErrorsOf(result.error)).toEqual({ sid: "Too short.", "nested.body": "Is required." });
    }
  });

  it("GIVEN checkbox values WHEN read THEN only true and on mean ticked", () => {
    expect([isTicked("true"), isTicked("on"), isTicked("false"), isTicked(undefined), isTicked("1")]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe("keepEditsMadeDuringSave", () => {
  it("GIVEN an edit typed while the save was in flight WHEN the page reloads THEN that edit stays and the rest shows what is stored", () => {
    const submitted = { sid: "HX1", number: "+911", apiKey: "Akey" };
    const current = { sid: "HX1", number: "+912", apiKey: "Akey" };
    const stored = { sid: "HX1", number: "+911", apiKey: "" };
    expect(keepEditsMadeDuringSave(current, submitted, stored)).toEqual({ sid: "HX1", number: "+912", apiKey: "" });
  });
});

describe("firstErrorField", () => {
  it("GIVEN errors on several fields WHEN asked THEN the first in the page's order, then any other, then the form", () => {
    expect(firstErrorField({ b: "x", a: "y" }, ["a", "b"])).toBe("a");
    expect(firstErrorField({ z: "x" }, ["a"])).toBe("z");
    expect(firstErrorField({ form: "x" }, ["a"])).toBe("form");
    expect(firstErrorField({}, ["a"])).toBeUndefined();
  });
});
