#!/usr/bin/env python3
"""schema-gen.py: documents for the differential schema test.

Generates XML documents from a RelaxNG grammar (every define's
alternatives in turn, optional parts present and absent, values at and past
their limits) and mutates existing documents (drop, duplicate or rename an
element or attribute, change a value to a neighbour or an integer type's
limit, swap two neighbouring elements). The documents are
meant to be judged by two schema sets; what they are judged valid or
invalid by is not this program's business, only that they probe the
schemas' edges.

    schema-gen.py generate --schema RNG --out DIR --count N --seed S --prefix P
    schema-gen.py mutate --schema RNG --out DIR --count N --seed S --prefix P <FILES
    schema-gen.py batch --schema RNG --other RNG --out DIR --count N --seed S <FILES
      (both of the above: COUNT from each grammar, COUNT mutations of FILES,
       COUNT of the generated documents)
    schema-gen.py devices [--only NAME,...] --schema RNG --other RNG --out DIR --count N --seed S <FILES
      (the elements of <devices> alone: COUNT documents from each grammar,
       each a fixed minimal domain holding one to three generated devices
       (--only: of those element names only), COUNT mutations inside
       <devices> of FILES, COUNT of the generated)
    schema-gen.py coverage [--only NAME,...] --schema RNG --out DIR --count N --seed S
      (what COUNT generated documents (devices ones with --only, every
       kind of device with --only '*'; all three of schema-diff.sh's
       domain, devices and storage kinds with --only all) reach of
       RNG: defines, choices with every alternative, optional parts
       present and absent; the defines never reached)
    schema-gen.py reorder [--schema RNG] --out DIR --count N --seed S <FILES
      (N orders of each file's root children, the first the one RNG
       declares; prints "FILE<TAB>REORDERED")
    schema-gen.py shrink [--any-order] --schema RNG --other RNG --out DIR <FILES
      (for each file the two grammars judge differently: the smallest
       document, by dropping elements and attributes, that they still
       judge the same different way, written to DIR, then one line
         SHRUNK FILE: A says V, B says W at PATH: B's first message
       where PATH names the element or attribute whose removal makes them
       agree, the first differing part; "agree" when they do not differ;
       --any-order: both judged in the order-free way, see AnyOrder)
    schema-gen.py bounds --schema RNG --other RNG --names A,B --out DIR <FILES
      (in every integer value of each file both grammars take, the
       integer limits and one past them; one line per value judged
       differently:  BOUND PATH=VALUE: A says V, B says W (FILE))
    schema-gen.py shrink --order --schema RNG --out DIR <FILES
      (the smallest document RNG refuses in the order given and takes in
       another: an order artifact of the validator, shown alone)

Each written file's name is printed on stdout. Standard library only.
"""
import argparse
import ctypes
import os
import random
import re
import sys
import xml.etree.ElementTree as ET

try:
    import re._parser as sre_parse      # Python >= 3.11
    import re._constants as sre_c
except ImportError:                     # pragma: no cover
    import sre_parse
    import sre_constants as sre_c

RNG = "http://relaxng.org/ns/structure/1.0"
XSD = "http://www.w3.org/2001/XMLSchema-datatypes"
FOREIGN_NS = "urn:virtc:test:foreign"
# A pattern a schema accepts beyond the format on purpose (virtc's schemas
# mark them vc:extension="why"): never generated, so that every generated
# document is one both schema sets are meant to judge alike.
EXTENSION = "{urn:virtc:schema-annotations}extension"


def tag(e):
    return e.tag.split("}", 1)[1] if e.tag.startswith("{" + RNG + "}") else None


class Grammar:
    """A RelaxNG grammar with includes resolved and defines combined."""

    def __init__(self, path):
        self.defines = {}
        self.start = None
        self.elem_names = set()
        self.attr_values = {}          # attribute name -> set of <value>s
        self.attr_names = set()
        self._load(path, {}, None)
        self._annotate()

    def _load(self, path, overrides, override_start):
        root = ET.parse(path).getroot()
        self._inherit(root, root.get("datatypeLibrary", ""), root.get("ns", ""))
        self._grammar(root, os.path.dirname(path), overrides, override_start)

    @staticmethod
    def _inherit(e, lib, ns):
        """Copies datatypeLibrary and ns down to every pattern."""
        lib = e.get("datatypeLibrary", lib)
        ns = e.get("ns", ns)
        e.set("_lib", lib)
        e.set("_ns", ns)
        for c in e:
            if isinstance(c.tag, str):
                Grammar._inherit(c, lib, ns)

    def _grammar(self, g, base, overrides, override_start):
        for c in g:
            t = tag(c)
            if t == "include":
                inner = {d.get("name"): d for d in c if tag(d) == "define"}
                inner_start = [s for s in c if tag(s) == "start"]
                self._load(os.path.join(base, c.get("href")), inner,
                           inner_start[0] if inner_start else None)
                for d in c:
                    if tag(d) == "define":
                        self._define(d, {})
                    elif tag(d) == "start":
                        self._start(d)
            elif t == "define":
                self._define(c, overrides)
            elif t == "start":
                if override_start is None:
                    self._start(c)
            elif t == "div":
                self._grammar(c, base, overrides, override_start)

    def _start(self, s):
        self.start = self._combine(self.start, s, s.get("combine"))

    def _define(self, d, overrides):
        name = d.get("name")
        if name in overrides:
            return
        self.defines[name] = self._combine(self.defines.get(name), d, d.get("combine"))

    @staticmethod
    def _combine(old, new, how):
        body = ET.Element("{%s}group" % RNG)
        body.extend(list(new))
        body.set("_lib", new.get("_lib", ""))
        body.set("_ns", new.get("_ns", ""))
        if old is None:
            return body
        kind = "interleave" if how == "interleave" else "choice"
        both = ET.Element("{%s}%s" % (RNG, kind))
        both.extend([old, body])
        return both

    def _annotate(self):
        for d in list(self.defines.values()) + [self.start]:
            for e in d.iter():
                t = tag(e)
                if t == "element" and e.get("name"):
                    self.elem_names.add(e.get("name"))
                if t == "attribute" and e.get("name"):
                    n = e.get("name")
                    self.attr_names.add(n)
                    vals = self.attr_values.setdefault(n, set())
                    for v in e.iter("{%s}value" % RNG):
                        vals.add((v.text or "").strip())


# ---- values ------------------------------------------------------------

INT_RANGE = {
    "byte": (-128, 127), "short": (-32768, 32767), "int": (-2**31, 2**31 - 1),
    "long": (-2**63, 2**63 - 1), "unsignedByte": (0, 255), "unsignedShort": (0, 65535),
    "unsignedInt": (0, 2**32 - 1), "unsignedLong": (0, 2**64 - 1),
    "positiveInteger": (1, 2**70), "nonNegativeInteger": (0, 2**70),
    "integer": (-2**70, 2**70),
}


class RegexGen:
    """Strings matching (or, on request, just missing) an XSD pattern."""

    def __init__(self, rnd):
        self.rnd = rnd
        self.cache = {}

    def parse(self, pat):
        if pat not in self.cache:
            try:
                self.cache[pat] = sre_parse.parse(pat)
            except Exception:
                self.cache[pat] = None
        return self.cache[pat]

    def gen(self, pat, edge=0):
        """edge 0: typical; 1: repeats at their bounds; 2: past a bound."""
        tree = self.parse(pat)
        if tree is None:
            return "x"
        out = []
        self._seq(tree, out, edge, [False])
        return "".join(out)

    def _seq(self, seq, out, edge, broke):
        for op, av in seq:
            self._one(op, av, out, edge, broke)

    def _set_chars(self, items):
        neg = False
        chars = []
        for op, av in items:
            if op == sre_c.NEGATE:
                neg = True
            elif op == sre_c.LITERAL:
                chars.append(chr(av))
            elif op == sre_c.RANGE:
                lo, hi = av
                chars.extend(chr(c) for c in range(lo, min(hi, lo + 200) + 1))
            elif op == sre_c.CATEGORY:
                chars.extend(self._category(av))
        if neg:
            pool = [chr(c) for c in range(0x21, 0x7f)] + ["é"]
            chars = [c for c in pool if c not in set(chars) and c not in "<>&\"'"]
        return chars or ["x"]

    @staticmethod
    def _category(cat):
        name = str(cat)
        if "DIGIT" in name:
            return list("0123456789") if "NOT" not in name else list("abc-")
        if "SPACE" in name:
            return [" "] if "NOT" not in name else list("ab1")
        if "WORD" in name:
            return list("abcXYZ019_") if "NOT" not in name else list("-.")
        return list("ab")

    def _one(self, op, av, out, edge, broke):
        r = self.rnd
        if op == sre_c.LITERAL:
            out.append(chr(av))
        elif op == sre_c.NOT_LITERAL:
            out.append("a" if chr(av) != "a" else "b")
        elif op == sre_c.ANY:
            out.append(r.choice("abz09-_"))
        elif op == sre_c.IN:
            out.append(r.choice(self._set_chars(av)))
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
            lo, hi, sub = av
            hi = lo + 3 if hi == sre_c.MAXREPEAT else hi
            if edge == 2 and not broke[0] and r.random() < 0.5:
                broke[0] = True
                n = hi + 1 if (r.random() < 0.5 or lo == 0) else lo - 1
            elif edge >= 1:
                n = r.choice([lo, hi])
            else:
                n = r.randint(lo, min(hi, lo + 2))
            for _ in range(max(n, 0)):
                self._seq(sub, out, edge, broke)
        elif op == sre_c.SUBPATTERN:
            self._seq(av[-1], out, edge, broke)
        elif op == sre_c.BRANCH:
            self._seq(r.choice(av[1]), out, edge, broke)
        elif op == sre_c.CATEGORY:
            out.append(r.choice(self._category(av)))


# ---- generation ----------------------------------------------------------

class Fail(Exception):
    pass


class Generator:
    def __init__(self, g, rnd, max_depth=7, p_opt=0.4, p_bad=0.0):
        self.g = g
        self.rnd = rnd
        self.rx = RegexGen(rnd)
        self.max_depth = max_depth
        self.p_opt = p_opt
        self.p_bad = p_bad
        self.uses = {}                 # id(choice) -> per-alternative count
        self.opts = {}                 # id(optional) -> [times absent, times present]
        self.reached = set()           # names of the defines generated from
        self.cost = {}
        self._costs()

    # Minimal number of elements a pattern needs, so generation past the
    # depth limit can take the way out.
    def _costs(self):
        for _ in range(40):
            changed = False
            for name, d in self.g.defines.items():
                c = self._cost(d)
                if self.cost.get(("def", name)) != c:
                    self.cost[("def", name)] = c
                    changed = True
            if not changed:
                break

    def _cost(self, p):
        inf = 10**9
        t = tag(p)
        if t == "element":
            return min(inf, 1 + self._cost_group(p))
        if t == "ref":
            return self.cost.get(("def", p.get("name")), inf)
        if t == "choice":
            return min([self._cost(c) for c in p if tag(c)] or [0])
        if t in ("optional", "zeroOrMore"):
            return 0
        if t == "notAllowed":
            return inf
        if t in ("attribute", "value", "data", "text", "empty", "list"):
            return 0
        return self._cost_group(p)

    def _cost_group(self, p):
        return min(10**9, sum(self._cost(c) for c in p if tag(c) and tag(c) not in
                              ("anyName", "nsName", "name", "except", "param")))

    def pcost(self, p):
        return self._cost(p)

    def pick(self, p, alts):
        """The least used alternative (ties at random): every one in turn."""
        u = self.uses.setdefault(id(p), [0] * len(alts))
        low = min(u)
        idx = self.rnd.choice([i for i, n in enumerate(u) if n == low])
        u[idx] += 1
        return alts[idx]

    def document(self):
        items = self.gen(self.g.start, 0)
        elems = [i for i in items if i[0] == "elem"]
        if len(elems) != 1:
            raise Fail("no single root")
        return '<?xml version="1.0"?>\n' + elems[0][1] + "\n"

    def gen(self, p, depth):
        t = tag(p)
        r = self.rnd
        deep = depth >= self.max_depth
        if t == "element":
            return [("elem", self.element(p, depth + 1))]
        if t == "attribute":
            return [("attr", self.name_of(p), self.text_of(list(c for c in p if tag(c) and tag(c) not in ("name", "anyName", "nsName")), depth))]
        if t in ("group", "start", "define"):
            return self.seq(list(p), depth)
        if t == "interleave":
            parts = [self.gen(c, depth) for c in p if tag(c)]
            r.shuffle(parts)
            return [i for part in parts for i in part]
        if t == "mixed":
            return self.seq(list(p), depth) + [("text", "x")]
        if t == "choice":
            alts = [c for c in p if tag(c) and c.get(EXTENSION) is None]
            for _ in range(4):
                try:
                    if deep:
                        return self.gen(min(alts, key=self.pcost), depth)
                    return self.gen(self.pick(p, alts), depth)
                except Fail:
                    continue
            raise Fail("choice")
        if t == "optional":
            seen = self.opts.setdefault(id(p), [0, 0])
            # a part never produced yet is produced more often (p_opt
            # alone leaves the parts under rarely taken ones unreached)
            p_opt = self.p_opt if seen[1] else max(self.p_opt, 0.75)
            if deep or r.random() >= p_opt:
                seen[0] += 1
                return []
            out = self.seq(list(p), depth)
            seen[1] += 1
            return out
        if t in ("zeroOrMore", "oneOrMore"):
            lo = 1 if t == "oneOrMore" else 0
            n = lo if deep else r.choice([lo, lo, lo + 1, lo + 2])
            out = []
            for _ in range(n):
                out += self.seq(list(p), depth)
            return out
        if t == "ref":
            d = self.g.defines.get(p.get("name"))
            if d is None:
                raise Fail("ref")
            self.reached.add(p.get("name"))
            return self.gen(d, depth)
        if t == "empty":
            return []
        if t == "notAllowed":
            raise Fail("notAllowed")
        if t in ("text", "value", "data", "list"):
            return [("text", self.value(p, depth))]
        return []

    def seq(self, ps, depth):
        out = []
        for c in ps:
            if tag(c) and c.get(EXTENSION) is None:
                out += self.gen(c, depth)
        return out

    def name_of(self, p):
        n = p.get("name")
        if n is not None:
            ns = p.get("ns") if tag(p) == "element" or p.get("ns") is not None else ""
            if tag(p) == "element":
                ns = p.get("_ns", "")
            return (ns or "", n.split(":")[-1])
        for c in p:
            if tag(c) == "name":
                return (c.get("ns", p.get("_ns", "") if tag(p) == "element" else ""), c.text.strip())
            if tag(c) in ("anyName", "nsName"):
                return (FOREIGN_NS, "any")
            if tag(c) == "choice":
                return self.name_of(self.rnd.choice([x for x in c if tag(x)]))
        return ("", "x")

    def text_of(self, content, depth):
        if not content:
            return "text"
        items = []
        for c in content:
            items += self.gen(c, depth)
        return "".join(i[1] for i in items if i[0] == "text")

    def value(self, p, depth):
        t = tag(p)
        r = self.rnd
        if t == "text":
            return r.choice(["x", "abc", "", "a b", "1"])
        if t == "value":
            v = p.text or ""
            if self.p_bad and r.random() < self.p_bad:
                return neighbour(v, r, set())
            return v
        if t == "list":
            items = self.seq(list(p), depth)
            return " ".join(i[1] for i in items if i[0] == "text")
        return self.data(p)

    def data(self, p):
        r = self.rnd
        typ = p.get("type", "token")
        params = {c.get("name"): (c.text or "") for c in p if tag(c) == "param"}
        excepts = [c for c in p if tag(c) == "except"]
        bad = self.p_bad and r.random() < self.p_bad
        for _ in range(6):
            v = self._data_value(typ, params, bad)
            if not excepts or bad or not self._excluded(v, excepts[0]):
                return v
        return v

    def _excluded(self, v, exc):
        return any((x.text or "") == v for x in exc.iter("{%s}value" % RNG))

    def _data_value(self, typ, params, bad):
        r = self.rnd
        if "pattern" in params:
            return self.rx.gen(params["pattern"], 2 if bad else r.choice([0, 0, 1]))
        if typ in INT_RANGE:
            lo, hi = INT_RANGE[typ]
            lo = int(params.get("minInclusive", lo))
            hi = int(params.get("maxInclusive", hi))
            if bad:
                return str(r.choice([lo - 1, hi + 1, "1.5", "", "x"]))
            return str(r.choice([lo, hi, lo + 1 if lo < hi else lo, r.randint(lo, min(hi, lo + 1000))]))
        if typ in ("double", "float", "decimal"):
            return r.choice(["0", "1.5", "-2.25", "1e3"]) if not bad else "x"
        if typ == "boolean":
            return r.choice(["true", "false", "1", "0"]) if not bad else "yes"
        if typ == "dateTime":
            return "2024-02-29T12:00:00" if not bad else "2024-13-01"
        if typ == "anyURI":
            return "http://example.org/ns" if not bad else "%%"
        if typ == "NCName":
            return r.choice(["a", "name1", "x_y"]) if not bad else "1a"
        lo = int(params.get("minLength", params.get("length", 0)))
        hi = int(params.get("maxLength", params.get("length", lo + 8)))
        if bad:
            n = hi + 1
        else:
            n = r.choice([lo, hi, min(hi, lo + 3)])
        return "".join(r.choice("abcdefgh") for _ in range(n))

    def element(self, p, depth):
        ns, name = self.name_of(p)
        items = self.seq([c for c in p if tag(c) not in ("name", "anyName", "nsName")], depth)
        attrs, body, seen = [], [], set()
        for it in items:
            if it[0] == "attr":
                (ans, an), v = it[1], it[2]
                if (ans, an) in seen:
                    continue
                seen.add((ans, an))
                attrs.append((ans, an, v))
            elif it[0] == "elem":
                body.append(it[1])
            else:
                body.append(esc(it[1]))
        pre = ""
        decl = ""
        if ns:
            pre = "n:"
            decl = ' xmlns:n="%s"' % esc(ns)
        out = "<" + pre + name + decl
        adecl = ""
        for ans, an, v in attrs:
            if ans:
                adecl = ' xmlns:f="%s"' % esc(ans)
                out += ' f:%s="%s"' % (an, esc(v))
            else:
                out += ' %s="%s"' % (an, esc(v))
        out += adecl
        if not body:
            return out + "/>"
        return out + ">" + "".join(body) + "</" + pre + name + ">"


def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


# ---- judging (libxml2, the library xmllint uses, through ctypes) --------

class XmlError(ctypes.Structure):
    _fields_ = [("domain", ctypes.c_int), ("code", ctypes.c_int),
                ("message", ctypes.c_char_p), ("level", ctypes.c_int),
                ("file", ctypes.c_char_p), ("line", ctypes.c_int),
                ("str1", ctypes.c_char_p), ("str2", ctypes.c_char_p),
                ("str3", ctypes.c_char_p), ("int1", ctypes.c_int),
                ("int2", ctypes.c_int), ("ctxt", ctypes.c_void_p),
                ("node", ctypes.c_void_p)]


ERRFN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(XmlError))
XML_PARSE_NOERROR, XML_PARSE_NOWARNING, XML_PARSE_NONET = 1 << 5, 1 << 6, 1 << 11


def libxml2():
    lib = ctypes.CDLL("libxml2.so.2")
    vp = ctypes.c_void_p
    for name, res, args in [
            ("xmlRelaxNGNewParserCtxt", vp, [ctypes.c_char_p]),
            ("xmlRelaxNGSetParserStructuredErrors", None, [vp, ERRFN, vp]),
            ("xmlRelaxNGParse", vp, [vp]),
            ("xmlRelaxNGFreeParserCtxt", None, [vp]),
            ("xmlRelaxNGNewValidCtxt", vp, [vp]),
            ("xmlRelaxNGSetValidStructuredErrors", None, [vp, ERRFN, vp]),
            ("xmlRelaxNGValidateDoc", ctypes.c_int, [vp, vp]),
            ("xmlRelaxNGFreeValidCtxt", None, [vp]),
            ("xmlReadMemory", vp, [ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                   ctypes.c_char_p, ctypes.c_int]),
            ("xmlFreeDoc", None, [vp])]:
        f = getattr(lib, name)
        f.restype, f.argtypes = res, args
    return lib


class Judge:
    """A RelaxNG schema compiled once, judging documents in memory (the
    shrinker asks thousands of times; xmllint would compile it each time).
    Same library and calls as xmllint --relaxng, so the same verdicts."""
    lib = None

    def __init__(self, path):
        if Judge.lib is None:
            Judge.lib = libxml2()
        self.msgs = []
        self._cb = ERRFN(self._error)
        pc = self.lib.xmlRelaxNGNewParserCtxt(path.encode())
        self.lib.xmlRelaxNGSetParserStructuredErrors(pc, self._cb, None)
        self.schema = self.lib.xmlRelaxNGParse(pc)
        self.lib.xmlRelaxNGFreeParserCtxt(pc)
        if not self.schema:
            raise Fail("%s does not compile" % path)
        self.cache = {}

    def _error(self, _ctx, err):
        e = err.contents
        msg = (e.message or b"").decode("utf-8", "replace").strip()
        self.msgs.append((e.line, msg))

    def judge(self, text):
        """(valid, [(line, message)]) for the document text (bytes)."""
        if text in self.cache:
            return self.cache[text]
        self.msgs = []
        doc = self.lib.xmlReadMemory(text, len(text), b"doc.xml", None,
                                     XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NONET)
        if not doc:
            res = (False, [(0, "not well-formed")])
        else:
            vc = self.lib.xmlRelaxNGNewValidCtxt(self.schema)
            self.lib.xmlRelaxNGSetValidStructuredErrors(vc, self._cb, None)
            ok = self.lib.xmlRelaxNGValidateDoc(vc, doc) == 0
            self.lib.xmlRelaxNGFreeValidCtxt(vc)
            self.lib.xmlFreeDoc(doc)
            res = (ok, list(self.msgs))
        if len(self.cache) < 100000:
            self.cache[text] = res
        return res

    def valid(self, text):
        return self.judge(text)[0]


class AnyOrder:
    """A judge that takes a document when the judge j takes it with the
    root's children in the order given, in the order grammar g declares
    them, or reversed. libxml2 validates a large <interleave> differently
    by the order of its children (see tests/schema-diff.sh, ORDER), which
    the format leaves free; this verdict is the order-free one."""

    def __init__(self, j, g):
        self.j, self.g = j, g
        self.rank = {}

    def judge(self, text):
        ok, msgs = self.j.judge(text)
        if ok:
            return ok, msgs
        root = ET.fromstring(text)
        name = local(root.tag)
        if name not in self.rank:
            self.rank[name] = {n: i for i, n in enumerate(declared_order(self.g, name))}
        rank = self.rank[name]
        kids = list(root)
        for order in (sorted(kids, key=lambda c: rank.get(local(c.tag), len(rank))), kids[::-1]):
            for c in kids:
                root.remove(c)
            root.extend(order)
            if self.j.valid(ET.tostring(root)):
                return True, []
        return ok, msgs

    def valid(self, text):
        return self.judge(text)[0]


# ---- shrinking a disagreement ---------------------------------------------

def shrink(a, b, root):
    """Drops elements and attributes of root (in place) while a and b keep
    their verdicts; returns the verdicts."""
    want = (a.valid(ET.tostring(root)), b.valid(ET.tostring(root)))

    def same():
        t = ET.tostring(root)
        return (a.valid(t), b.valid(t)) == want

    changed = True
    while changed:
        changed = False
        # preorder: whole subtrees go before their parts are tried
        for parent in list(root.iter()):
            for i, child in reversed(list(enumerate(parent))):
                parent.remove(child)
                if same():
                    changed = True
                else:
                    parent.insert(i, child)
        for e in list(root.iter()):
            for k in sorted(e.attrib):
                v = e.attrib.pop(k)
                if same():
                    changed = True
                else:
                    e.set(k, v)
            if e.text and e.text.strip() and len(e):
                t, e.text = e.text, None
                if same():
                    changed = True
                else:
                    e.text = t
    return want


def local(t):
    return t.split("}")[-1]


def culprits(a, b, root):
    """Paths of the parts of root whose removal makes a and b agree: first
    those whose removal makes both take it (what one refuses), else those
    whose removal makes both refuse it (what one needs)."""
    both, either = [], []

    def verdicts():
        t = ET.tostring(root)
        return a.valid(t), b.valid(t)

    def note(path):
        va, vb = verdicts()
        if va and vb:
            both.append(path)
        elif va == vb:
            either.append(path)

    def walk(e, path):
        for k in sorted(e.attrib):
            v = e.attrib.pop(k)
            note("%s/@%s" % (path, local(k)))
            e.set(k, v)
        for i, c in enumerate(list(e)):
            p = "%s/%s" % (path, local(c.tag))
            e.remove(c)
            note(p)
            e.insert(i, c)
            walk(c, p)

    walk(root, "/" + local(root.tag))
    # the deepest first: a child named is more exact than its parent
    return sorted(both or either, key=lambda p: -p.count("/"))


def shrink_files(a, b, names, files, out):
    """shrink each file a and b judge differently; one line each."""
    lines = []
    for i, src in enumerate(files):
        try:
            root = ET.parse(src).getroot()
        except ET.ParseError:
            continue
        va, vb = shrink(a, b, root)
        base = os.path.basename(src)
        if va == vb:
            lines.append("SHRUNK %s: agree%s" % (
                base, " in some order (a rule of order: see jing)" if isinstance(a, AnyOrder) else ""))
            continue
        ET.indent(root)
        text = ET.tostring(root)
        name = os.path.join(out, "min-" + base)
        with open(name, "wb") as f:
            f.write(text + b"\n")
        refuser = a if not va else b
        msgs = [m for _, m in refuser.judge(text)[1]]
        at = culprits(a, b, root)
        lines.append("SHRUNK %s: %s says %s, %s says %s at %s: %s (%s)" % (
            base, names[0], "valid" if va else "invalid", names[1],
            "valid" if vb else "invalid", ", ".join(at[:3]) or "?",
            "; ".join(msgs[:2]) or "-", name))
    return lines


# ---- mutation ----------------------------------------------------------

BOUNDARIES = ["0", "-1", "1", "255", "256", "65535", "65536", "2147483647", "2147483648",
              "4294967295", "4294967296", "18446744073709551615", "18446744073709551616"]


def neighbour(v, r, enum):
    """A value next to v: the number one off, another of its enumeration,
    an edited or empty string."""
    m = re.fullmatch(r"(0x)([0-9a-fA-F]+)", v)
    if m:
        n = int(m.group(2), 16) + r.choice([-1, 1])
        return "0x%0*x" % (len(m.group(2)), max(n, 0)) if n >= 0 else "-0x1"
    if re.fullmatch(r"-?[0-9]+", v):
        if r.random() < 0.3:
            # the limits of the integer types the formats use, and one past
            return r.choice(BOUNDARIES)
        return str(int(v) + r.choice([-1, 1]))
    others = sorted(enum - {v})
    if others and r.random() < 0.6:
        return r.choice(others)
    return r.choice(["", v + "x", v[:-1], v.upper() if v != v.upper() else v.lower(), " " + v])


def mutate(tree, g, r):
    root = tree.getroot()
    elems = [e for e in root.iter()]
    parents = {c: p for p in root.iter() for c in p}
    op = r.choice(["drop-elem", "dup-elem", "rename-elem", "drop-attr", "rename-attr",
                   "value", "value", "value", "text", "swap"])
    with_attrs = [e for e in elems if e.attrib]
    if op in ("drop-attr", "rename-attr", "value") and with_attrs:
        e = r.choice(with_attrs)
        a = r.choice(sorted(e.attrib))
        if op == "drop-attr":
            del e.attrib[a]
        elif op == "rename-attr":
            v = e.attrib.pop(a)
            e.set(r.choice(sorted(g.attr_names) + ["frobnicate"]), v)
        else:
            e.set(a, neighbour(e.attrib[a], r, g.attr_values.get(a.split("}")[-1], set())))
        return op
    kids = [e for e in elems if e in parents]
    if not kids:
        return None
    e = r.choice(kids)
    p = parents[e]
    if op == "drop-elem":
        p.remove(e)
    elif op == "dup-elem":
        i = list(p).index(e)
        p.insert(i + 1, ET.fromstring(ET.tostring(e)))
    elif op == "rename-elem":
        e.tag = r.choice(sorted(g.elem_names) + ["frobnicator"])
    elif op == "swap":
        # two neighbours change places: an order the grammar may fix
        sib = list(p)
        i = sib.index(e)
        if len(sib) < 2:
            return None
        j = i + 1 if i + 1 < len(sib) else i - 1
        a, b = sorted((i, j))
        first, second = sib[a], sib[b]
        p.remove(second)
        p.insert(a, second)
        if first.tail != second.tail:
            first.tail, second.tail = second.tail, first.tail
    else:
        if e.text and e.text.strip():
            e.text = neighbour(e.text.strip(), r, set())
        else:
            p.remove(e)
            op = "drop-elem"
    return op


def coverage(g, gens):
    """What the generators gens (of grammar g) reached, as lines: the
    defines generated from, the choices with every alternative produced,
    the optional parts produced both present and absent."""
    choices = [p for d in g.defines.values() for p in d.iter("{%s}choice" % RNG)
               if any(tag(c) for c in p)]
    opts = [p for d in g.defines.values() for p in d.iter("{%s}optional" % RNG)]
    uses = {}
    seen = {}
    for gen in gens:
        for k, v in gen.uses.items():
            u = uses.setdefault(k, [0] * len(v))
            uses[k] = [a + b for a, b in zip(u, v)]
        for k, v in gen.opts.items():
            o = seen.setdefault(k, [0, 0])
            seen[k] = [o[0] + v[0], o[1] + v[1]]
    reached = set().union(*(gen.reached for gen in gens)) if gens else set()
    all_alts = sum(1 for p in choices if id(p) in uses and min(uses[id(p)]) > 0)
    some = sum(1 for p in choices if id(p) in uses)
    both = sum(1 for p in opts if min(seen.get(id(p), [0, 0])) > 0)
    one = sum(1 for p in opts if id(p) in seen)
    missed = sorted(n for n in g.defines if n not in reached)
    return ["defines reached: %d/%d" % (len(reached & set(g.defines)), len(g.defines)),
            "choices reached: %d/%d, with every alternative produced: %d" % (some, len(choices), all_alts),
            "optional parts reached: %d/%d, produced present and absent: %d" % (one, len(opts), both),
            "defines never reached: %s" % (" ".join(missed[:40]) + (" ..." if len(missed) > 40 else ""))]


def generate(g, r, out, prefix, count, gens=None):
    """count documents from grammar g, named out/prefix-NNNN.xml (gens:
    a list the generator is added to, for coverage)."""
    gen = Generator(g, r)
    if gens is not None:
        gens.append(gen)
    names = []
    tries = 0
    while len(names) < count and tries < count * 5:
        tries += 1
        gen.p_opt = r.choice([0.15, 0.4, 0.7])
        gen.p_bad = r.choice([0.0, 0.0, 0.02])
        gen.max_depth = r.choice([5, 7, 9])
        try:
            doc = gen.document()
        except (Fail, RecursionError):
            continue
        name = os.path.join(out, "%s-%04d.xml" % (prefix, len(names)))
        with open(name, "w", encoding="utf-8") as f:
            f.write(doc)
        names.append(name)
    return names


def mutate_files(g, r, files, out, prefix, count, within=None, only=None):
    """count mutations of documents taken from files; with within, made
    only inside that child of the root (the rest is left as it is), and
    with the set only, inside one of its children of those names."""
    names = []
    files = sorted(files)
    for _ in range(count * 3):
        if len(names) >= count or not files:
            break
        src = r.choice(files)
        try:
            tree = ET.parse(src)
        except ET.ParseError:
            continue
        sub = tree
        if within:
            part = tree.getroot().find(within)
            if part is not None and only:
                picks = [c for c in part if c.tag in only]
                part = r.choice(picks) if picks else None
            if part is None or len(part) == 0:
                continue
            sub = ET.ElementTree(part)
        ops = [mutate(sub, g, r) for _ in range(r.choice([1, 1, 1, 2]))]
        if not any(ops):
            continue
        name = os.path.join(out, "%s-%04d.xml" % (prefix, len(names)))
        tree.write(name, encoding="unicode", xml_declaration=False)
        names.append(name)
    return names


# ---- devices -------------------------------------------------------------

# A domain both schema sets and virtc's front end take, whose <devices> the
# device documents fill: a disagreement on one of them lies in the devices.
DEVICE_SKELETON = ("<domain type=\"kvm\">\n  <name>dev</name>\n"
                   "  <memory>1048576</memory>\n"
                   "  <os>\n    <type arch=\"x86_64\" machine=\"pc\">hvm</type>\n  </os>\n"
                   "  %s\n</domain>\n")


def find_element(g, name):
    """The first element pattern named name in grammar g, or None."""
    for d in [g.start] + list(g.defines.values()):
        for e in d.iter("{%s}element" % RNG):
            if e.get("name") == name:
                return e
    return None


def child_patterns(g, parent):
    """The element patterns allowed directly inside the element pattern
    parent (refs followed, nested elements not entered, extensions left
    out), in declared order."""
    found, seen = [], set()

    def walk(p):
        t = tag(p)
        if t == "element":
            found.append(p)
            return
        if t == "ref":
            name = p.get("name")
            if name in seen or name not in g.defines:
                return
            seen.add(name)
            walk(g.defines[name])
            return
        for c in p:
            if tag(c) and c.get(EXTENSION) is None:
                walk(c)

    for c in parent:
        if tag(c):
            walk(c)
    return found


def generate_devices(g, r, out, prefix, count, only=None, gens=None):
    """count domains, each holding one to three devices generated from
    grammar g (every kind of device in turn, or only those named in the
    set only), named out/prefix-NNNN.xml."""
    gen = Generator(g, r)
    if gens is not None:
        gens.append(gen)
    devices = find_element(g, "devices")
    kinds = child_patterns(g, devices) if devices is not None else []
    if only:
        kinds = [k for k in kinds if k.get("name") in only]
    holder = ET.Element("devices")
    names = []
    tries = 0
    while kinds and len(names) < count and tries < count * 5:
        tries += 1
        gen.p_opt = r.choice([0.15, 0.4, 0.7])
        gen.p_bad = r.choice([0.0, 0.0, 0.02])
        gen.max_depth = r.choice([6, 8, 10])
        try:
            body = [gen.element(gen.pick(holder, kinds), 1)
                    for _ in range(r.choice([1, 1, 2, 3]))]
        except (Fail, RecursionError):
            continue
        name = os.path.join(out, "%s-%04d.xml" % (prefix, len(names)))
        with open(name, "w", encoding="utf-8") as f:
            f.write(DEVICE_SKELETON % ("<devices>" + "".join(body) + "</devices>"))
        names.append(name)
    return names


def declared_order(g, root_name):
    """Element names in the order grammar g declares them inside the
    element root_name (refs followed, nested elements not entered)."""
    root = find_element(g, root_name)
    order = []
    for e in child_patterns(g, root) if root is not None else []:
        n = e.get("name")
        if n and n not in order:
            order.append(n)
    return order


def reorder_files(g, r, files, out, count):
    """count orders of each file's root children: the order the grammar
    declares them in, reversed, then shuffled. For a document the format
    leaves unordered, a verdict that changes with the order is the
    validator's, not the schema's."""
    names = []
    for i, src in enumerate(files):
        try:
            tree = ET.parse(src)
        except ET.ParseError:
            continue
        root = tree.getroot()
        kids = list(root)
        rank = {n: i for i, n in enumerate(declared_order(g, root.tag.split("}")[-1]))} if g else {}
        for k in range(count):
            if k == 0 and rank:
                order = sorted(kids, key=lambda c: rank.get(c.tag.split("}")[-1], len(rank)))
            elif k <= 1:
                order = kids[::-1]
            else:
                order = r.sample(kids, len(kids))
            for c in kids:
                root.remove(c)
            root.extend(order)
            name = os.path.join(out, "r%04d-%d.xml" % (i, k))
            tree.write(name, encoding="unicode", xml_declaration=False)
            names.append(src + "\t" + name)
    return names


# ---- integer limits of both grammars, on real documents ----------------

DEC_BOUNDS = ["-1", "0", "1", "127", "128", "255", "256", "1023", "1024", "32767", "32768",
              "65535", "65536", "16777215", "16777216", "2147483647", "2147483648",
              "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
              "18446744073709551615", "18446744073709551616"]
HEX_BOUNDS = ["0x0", "0x7", "0x8", "0x1f", "0x20", "0x3f", "0x40", "0xff", "0x100", "0xffff",
              "0x10000", "0xffffff", "0x1000000", "0xffffffff", "0x100000000"]


def bounds(a, b, names, files, per_path=2):
    """For every integer value (attribute or text, decimal or 0x hex) of
    the documents both judges take, the integer limits and one past them
    (DEC_BOUNDS, HEX_BOUNDS) in its place; yields one line per value the
    two judge differently, at most per_path documents per element path:
      BOUND PATH=VALUE: A says V, B says W (FILE)"""
    seen = {}
    for f in files:
        try:
            root = ET.parse(f).getroot()
        except (ET.ParseError, OSError):
            continue
        text = ET.tostring(root)
        if not (a.valid(text) and b.valid(text)):
            continue

        def walk(e, path):
            here = path + "/" + local(e.tag)
            slots = [("@" + k, k) for k, v in e.attrib.items() if re.fullmatch(r"-?[0-9]+|0x[0-9a-fA-F]+", v)]
            if e.text and re.fullmatch(r"\s*(-?[0-9]+|0x[0-9a-fA-F]+)\s*", e.text) and len(e) == 0:
                slots.append(("", None))
            for label, key in slots:
                where = here + label
                if seen.get(where, 0) >= per_path:
                    continue
                seen[where] = seen.get(where, 0) + 1
                old = e.attrib[key] if key else e.text
                for v in HEX_BOUNDS if old.strip().startswith("0x") else DEC_BOUNDS:
                    if key:
                        e.attrib[key] = v
                    else:
                        e.text = v
                    t = ET.tostring(root)
                    va, vb = a.valid(t), b.valid(t)
                    if va != vb:
                        yield "BOUND %s=%s: %s says %s, %s says %s (%s)" % (
                            where, v, names[0], "valid" if va else "invalid",
                            names[1], "valid" if vb else "invalid", f)
                if key:
                    e.attrib[key] = old
                else:
                    e.text = old
            for c in e:
                yield from walk(c, here)
        yield from walk(root, "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["generate", "mutate", "batch", "reorder", "shrink", "devices",
                                     "coverage", "bounds"])
    ap.add_argument("--any-order", action="store_true",
                    help="shrink: judge the root's children in any order (the order-free verdict)")
    ap.add_argument("--order", action="store_true",
                    help="shrink: the smallest document --schema judges by its children's order")
    ap.add_argument("--names", default="schema,other",
                    help="shrink: what to call --schema and --other")
    ap.add_argument("--other", help="batch: the second schema set's grammar")
    ap.add_argument("--schema")
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prefix", default="g")
    ap.add_argument("--only", default="",
                    help="devices: only these devices (comma-separated names)")
    a = ap.parse_args()
    r = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    if a.mode == "reorder":
        files = [line.strip() for line in sys.stdin if line.strip()]
        g = Grammar(a.schema) if a.schema else None
        for n in reorder_files(g, r, files, a.out, a.count):
            print(n)
        return
    if not a.schema:
        ap.error("--schema is required")
    if a.mode == "bounds":
        files = [line.strip() for line in sys.stdin if line.strip()]
        for line in bounds(Judge(a.schema), Judge(a.other), a.names.split(","), files):
            print(line)
        return
    if a.mode == "shrink":
        files = [line.strip() for line in sys.stdin if line.strip()]
        js, names = Judge(a.schema), a.names.split(",")
        if a.order:
            # the smallest document js refuses in the order given and takes
            # in another: the validator's order artifact, alone
            pair = (js, AnyOrder(js, Grammar(a.schema)))
            names = [names[0], names[0] + " in another order"]
        elif a.any_order:
            jo = Judge(a.other)
            pair = (AnyOrder(js, Grammar(a.schema)), AnyOrder(jo, Grammar(a.other)))
        else:
            pair = (js, Judge(a.other))
        for n in shrink_files(pair[0], pair[1], names, files, a.out):
            print(n)
        return
    g = Grammar(a.schema)
    ET.register_namespace("qemu", "http://libvirt.org/schemas/domain/qemu/1.0")
    if a.mode == "coverage":
        # what COUNT documents from --schema reach of it (generate's
        # documents, or devices' with --only), written to --out
        gens = []
        only = set(filter(None, a.only.split(",")))
        if only == {"all"}:
            # what tests/schema-diff.sh generates: whole documents, device
            # documents, disk and hostdev documents
            generate(g, r, a.out, "cov", a.count, gens)
            generate_devices(g, r, a.out, "covd", a.count, None, gens)
            generate_devices(g, r, a.out, "covs", a.count, {"disk", "hostdev"}, gens)
        elif only:
            generate_devices(g, r, a.out, "cov", a.count, only - {"*"}, gens)
        else:
            generate(g, r, a.out, "cov", a.count, gens)
        for line in coverage(g, gens):
            print(line)
        return
    if a.mode == "generate":
        names = generate(g, r, a.out, a.prefix, a.count)
    elif a.mode == "devices":
        only = set(filter(None, a.only.split(",")))
        names = generate_devices(g, r, a.out, "ld", a.count, only)
        names += generate_devices(Grammar(a.other), r, a.out, "vd", a.count, only)
        gen = list(names)
        files = [line.strip() for line in sys.stdin if line.strip()]
        names += mutate_files(g, r, files, a.out, "md", a.count, "devices", only)
        names += mutate_files(g, r, gen, a.out, "mgd", a.count, "devices", only)
    elif a.mode == "mutate":
        files = [line.strip() for line in sys.stdin if line.strip()]
        names = mutate_files(g, r, files, a.out, a.prefix, a.count)
    else:
        # batch: from --schema (lg) and --other (vg), mutations of the
        # files on stdin (mc) and of the generated ones (mg)
        names = generate(g, r, a.out, "lg", a.count)
        names += generate(Grammar(a.other), r, a.out, "vg", a.count)
        gen = list(names)
        files = [line.strip() for line in sys.stdin if line.strip()]
        names += mutate_files(g, r, files, a.out, "mc", a.count)
        names += mutate_files(g, r, gen, a.out, "mg", a.count)
    for n in names:
        print(n)


if __name__ == "__main__":
    sys.setrecursionlimit(20000)
    main()
