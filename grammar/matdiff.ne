# The matdiff language (see LANGUAGE.md sections 1-2), top-down as a precedence ladder.
# nearleyc compiles this file to src/parse/grammar.ts during the build.
# Postprocessors only call the typed builders in src/parse/surface.ts.

@preprocessor typescript

@{%
import { makeLexer } from "./lexer.js";
import * as S from "./surface.js";
const lexer = makeLexer();
%}

@lexer lexer

# ---------------------------------------------------------------- problems

# A problem: statements separated by new lines or ';'. Blank lines and comments are free.
program     -> seps:?                        {% () => [] %}
             | seps:? statements seps:?      {% ([, s]) => s %}

statements  -> statement                     {% ([s]) => [s] %}
             | statements seps statement     {% ([ss, , s]) => [...ss, s] %}

seps        -> sep:+                         {% () => null %}
sep         -> %nl | ";"

statement   -> declaration                   {% id %}
             | definition                    {% id %}
             | query                         {% id %}

# NAME : TYPE, or NAME(theta) : TYPE for an unknown smooth function of a declared theta.
declaration -> ident ":" type                {% ([n, , t]) => S.mkDecl(n, null, t.kw, t.dims, t.last) %}
             | ident "(" ident ")" ":" type  {% ([n, , p, , , t]) => S.mkDecl(n, p, t.kw, t.dims, t.last) %}

# A name; function names (inv, log, tr, ...) lex as %fn so that only they can open a bar call
# (log|K|): a plain name before '|' cannot, which keeps sums of |x_i| unambiguous (and linear).
# Everywhere else a function name is a name, and the resolver says what is wrong with it.
ident       -> %name {% id %} | %fn {% id %}

type        -> %kw_scalar                    {% ([k]) => ({ kw: k, dims: [], last: k }) %}
             | %kw_positive                  {% ([k]) => ({ kw: k, dims: [], last: k }) %}
             | %kw_integer                   {% ([k]) => ({ kw: k, dims: [], last: k }) %}
             | oneDimType "(" dim ")"        {% ([k, , d, c]) => ({ kw: k, dims: [d], last: c }) %}
             | %kw_matrix "(" dim "," dim ")" {% ([k, , a, , b, c]) => ({ kw: k, dims: [a, b], last: c }) %}
             | %kw_simplex "(" dim ")"       {% ([k, , d, c]) => ({ kw: k, dims: [d], last: c }) %}
             | %kw_simplex "(" dim "," dim ")" {% ([k, , a, , b, c]) => ({ kw: k, dims: [a, b], last: c }) %}

oneDimType  -> %kw_vector {% id %} | %kw_symmetric {% id %} | %kw_spd {% id %}

# A dimension: a name (unified across the problem), a positive integer, or a product of those
# (vector(n*m), the size of vec(X) or of a Kronecker product).
dim         -> dimAtom                       {% id %}
             | dim "*" dimAtom               {% ([a, , b]) => S.mkDimProduct(a, b) %}
dimAtom     -> ident {% ([t]) => S.mkDim(t) %} | %number {% ([t]) => S.mkDim(t) %}

definition  -> ident "=" expr                {% ([n, , e]) => S.mkDef(n, e) %}

query       -> queryKw expr %kw_wrt wrtList  {% ([k, e, , w]) => S.mkQuery(k, e, w) %}
queryKw     -> %kw_grad {% id %} | %kw_jacobian {% id %} | %kw_hessian {% id %} | %kw_differential {% id %}
wrtList     -> ident                         {% ([n]) => [n] %}
             | wrtList "," ident             {% ([l, , n]) => [...l, n] %}

# ---------------------------------------------------------------- expressions, loosest first

expr        -> sum                           {% id %}

# + and -, left-associative
sum         -> sum ("+" | "-") frob          {% ([a, [op], b]) => S.mkBinary(a, op, b) %}
             | frob                          {% id %}

# A : B, the Frobenius product; not associative, so A : B : C is an error
frob        -> product ":" product           {% ([a, op, b]) => S.mkBinary(a, op, b) %}
             | product                       {% id %}

# * / .* ⊙ ./ ⊗, left-associative
product     -> product productOp unary       {% ([a, op, b]) => S.mkBinary(a, op, b) %}
             | unary                         {% id %}
productOp   -> "*" {% id %} | "/" {% id %} | ".*" {% id %} | "⊙" {% id %} | "./" {% id %} | "⊗" {% id %}

# prefix - and +, looser than powers: -x^2 is -(x^2)
unary       -> ("-" | "+") unary             {% ([[op], a]) => S.mkUnary(op, a) %}
             | power                         {% id %}

# ^ and .^, right-associative; the exponent may carry a sign: X^-1
power       -> postfix ("^" | ".^") exponent {% ([a, [op], b]) => S.mkBinary(a, op, b) %}
             | postfix                       {% id %}
exponent    -> ("-" | "+") exponent          {% ([[op], a]) => S.mkUnary(op, a) %}
             | power                         {% id %}

# postfix transpose (' or ᵀ), inverse transpose (⁻ᵀ), and superscript powers: inverse (⁻¹), x², X⁻²
postfix     -> postfix ("'" | "ᵀ" | "⁻ᵀ")    {% ([a, [op]]) => S.mkPostfix(a, op) %}
             | postfix %sup                  {% ([a, t]) => S.mkSuperscript(a, t) %}
             | primary                       {% id %}

primary     -> %number                       {% ([t]) => S.mkNum(t) %}
             | %fraction                     {% ([t]) => S.mkFraction(t) %}
             | ident                         {% ([t]) => S.mkName(t) %}
             | %hole                         {% ([t]) => S.mkHole(t) %}
             | ident "(" args ")"            {% ([f, , a, c]) => S.mkCall(f, a, c) %}
             | %fn "|" expr "|"              {% ([f, o, e, c]) => S.mkBarCall(f, o, e, c) %}
             | "(" expr ")"                  {% ([o, e, c]) => S.mkParen(o, e, c) %}
             | "|" expr "|"                  {% ([o, e, c]) => S.mkBars(o, e, c) %}

args        -> expr                          {% ([e]) => [e] %}
             | args "," expr                 {% ([a, , e]) => [...a, e] %}
