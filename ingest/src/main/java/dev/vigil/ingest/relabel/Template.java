package dev.vigil.ingest.relabel;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A replacement template with Go's {@code Regexp.Expand} rules, parsed once: {@code $$} is a
 * dollar, {@code $name} takes the longest run of letters, digits and underscores (so {@code $1x}
 * is the group named {@code 1x}, which does not exist and gives nothing), {@code ${name}} ends at
 * the brace, a name of digits only (no leading zero, below 10^8) is a group number, and a
 * {@code $} followed by anything else stays a literal dollar. A group that does not exist or did
 * not take part in the match expands to nothing.
 */
final class Template {
    /** literals[k], then group groups[k] (-1: expands to nothing), ...; one more literal than groups. */
    private final String[] literals;
    private final int[] groups;
    private final boolean hasRefs;
    private final String text;

    private Template(String text, String[] literals, int[] groups, boolean hasRefs) {
        this.text = text;
        this.literals = literals;
        this.groups = groups;
        this.hasRefs = hasRefs;
    }

    static Template parse(String template, Pattern regex) {
        Map<String, Integer> named = regex.namedGroups();
        int groupCount = regex.groupCount();
        List<String> lits = new ArrayList<>();
        List<Integer> refs = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        boolean hasRefs = false;
        int i = 0;
        int n = template.length();
        while (i < n) {
            char c = template.charAt(i);
            if (c != '$') {
                lit.append(c);
                i++;
                continue;
            }
            i++;
            if (i < n && template.charAt(i) == '$') {
                lit.append('$');
                i++;
                continue;
            }
            int p = i;
            boolean brace = p < n && template.charAt(p) == '{';
            if (brace) {
                p++;
            }
            int nameStart = p;
            while (p < n) {
                int cp = template.codePointAt(p);
                if (!Character.isLetter(cp) && !Character.isDigit(cp) && cp != '_') {
                    break;
                }
                p += Character.charCount(cp);
            }
            String name = template.substring(nameStart, p);
            if (name.isEmpty() || (brace && (p >= n || template.charAt(p) != '}'))) {
                lit.append('$'); // malformed: the dollar is text, what follows is read again
                continue;
            }
            if (brace) {
                p++;
            }
            i = p;
            int group = number(name);
            if (group < 0) {
                Integer g = named.get(name);
                group = g == null ? -1 : g;
            } else if (group > groupCount) {
                group = -1;
            }
            lits.add(lit.toString());
            lit.setLength(0);
            refs.add(group);
            hasRefs = true;
        }
        lits.add(lit.toString());
        int[] g = new int[refs.size()];
        for (int k = 0; k < g.length; k++) {
            g[k] = refs.get(k);
        }
        return new Template(template, lits.toArray(new String[0]), g, hasRefs);
    }

    /** Go's rule: ASCII digits only, no leading zero, stops counting at 10^8. */
    private static int number(String name) {
        int num = 0;
        for (int k = 0; k < name.length(); k++) {
            char d = name.charAt(k);
            if (d < '0' || d > '9' || num >= 100_000_000) {
                return -1;
            }
            num = num * 10 + (d - '0');
        }
        if (name.charAt(0) == '0' && name.length() > 1) {
            return -1;
        }
        return num;
    }

    /** The expansion against the last match of {@code m}. */
    String expand(Matcher m) {
        if (!hasRefs) {
            return literals[0];
        }
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < groups.length; k++) {
            out.append(literals[k]);
            int g = groups[k];
            if (g >= 0) {
                String s = m.group(g);
                if (s != null) {
                    out.append(s);
                }
            }
        }
        out.append(literals[groups.length]);
        return out.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
