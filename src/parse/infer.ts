// Dimension unification for shape inference: a small union-find over dimension variables.
// A variable is either known (a dimension name, a positive integer, or 1) or unknown (the size of
// `I` before its context fixes it). Two different known dimensions never unify: n and m are
// different sizes as far as the problem is concerned, so using one for the other is a shape error.

import { dimProduct, type Dim, type DimAlgebra, type Sh } from "../expr/shape.js";

export class DimVar {
  parent: DimVar = this;
  constructor(public value?: Dim) {}
}

export class Unifier implements DimAlgebra<DimVar> {
  find(x: DimVar): DimVar {
    let r = x;
    while (r.parent !== r) r = r.parent;
    // path compression
    while (x.parent !== r) {
      const next = x.parent;
      x.parent = r;
      x = next;
    }
    return r;
  }

  known(d: Dim): DimVar {
    return new DimVar(d);
  }

  fresh(): DimVar {
    return new DimVar();
  }

  get one(): DimVar {
    return new DimVar(1);
  }

  unify(a: DimVar, b: DimVar): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return true;
    if (ra.value !== undefined && rb.value !== undefined) return ra.value === rb.value;
    if (ra.value !== undefined) rb.parent = ra;
    else ra.parent = rb;
    return true;
  }

  isOne(a: DimVar): boolean {
    return this.find(a).value === 1;
  }

  isKnownNotOne(a: DimVar): boolean {
    const v = this.find(a).value;
    return v !== undefined && v !== 1;
  }

  product(a: DimVar, b: DimVar): DimVar | undefined {
    const va = this.find(a).value;
    const vb = this.find(b).value;
    if (va === undefined || vb === undefined) return undefined;
    return this.known(dimProduct(va, vb));
  }

  valueOf(a: DimVar): Dim | undefined {
    return this.find(a).value;
  }

  format(s: Sh<DimVar>): string {
    return `${this.valueOf(s[0]) ?? "?"}×${this.valueOf(s[1]) ?? "?"}`;
  }
}
