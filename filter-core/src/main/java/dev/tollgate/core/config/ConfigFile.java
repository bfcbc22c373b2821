package dev.tollgate.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.wire.WireJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Loads settings from a {@code .properties} or {@code .json} file ({@code classpath:} or a file path). JSON is
 * flattened to the same keys: nested objects join with ".", and a {@code routes} array becomes named routes.
 */
public final class ConfigFile {
    private ConfigFile() {
    }

    /**
     * @param location {@code classpath:name} or a file path; like any setting it may read the environment as
     *                 {@code ${NAME}} or {@code ${NAME:-default}}, so that one web.xml names each deployment's file
     */
    public static Map<String, String> load(String location, ClassLoader loader) {
        String resolved = Settings.expand(location, Settings.ENVIRONMENT).strip();
        try (InputStream in = open(resolved, loader)) {
            if (resolved.toLowerCase(java.util.Locale.ROOT).endsWith(".json")) {
                // Numbers exactly as written: read as doubles, 0.00001 became "1.0E-5" (no price) and 1.0000000000000001
                // became "1.0" (another price than the one written).
                return flatten(WireJson.mapper().reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                        .readTree(in));
            }
            Properties p = new Properties() {
                private static final long serialVersionUID = 1L;

                // Properties keeps the last of two lines with one key without a word; a JSON file with a key twice
                // is refused, and so is this: a price or payTo set twice is a mistake in one of the two lines.
                @Override
                public synchronized Object put(Object key, Object value) {
                    if (containsKey(key)) {
                        throw new ConfigurationException(String.valueOf(key), "is set twice in \"" + resolved
                                + "\"; keep one of the two lines");
                    }
                    return super.put(key, value);
                }
            };
            try {
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // Properties.load's one complaint about content; it names no line, and quotes nothing of the file.
                throw new ConfigurationException("config", "\"" + resolved
                        + "\" is not a valid properties file: a \\u escape needs four hexadecimal digits");
            }
            Map<String, String> out = new LinkedHashMap<>();
            p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
            return out;
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the token at fault, which in a hand-written file is often a credential
            // whose quotes were forgotten; the position is enough to find it, and this message is logged.
            JsonLocation at = e.getLocation();
            throw new ConfigurationException("config", "\"" + resolved + "\" is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new ConfigurationException("config", "cannot read \"" + resolved + "\": " + e.getMessage());
        }
    }

    private static InputStream open(String location, ClassLoader loader) throws IOException {
        if (location.startsWith("classpath:")) {
            String name = location.substring("classpath:".length()).replaceFirst("^/", "");
            InputStream in = loader.getResourceAsStream(name);
            if (in == null) {
                throw new IOException("not found on the class path");
            }
            return in;
        }
        return Files.newInputStream(Path.of(location));
    }

    static Map<String, String> flatten(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new ConfigurationException("config", "a JSON configuration must be an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().equals("routes") && f.getValue().isArray()) {
                StringBuilder names = new StringBuilder();
                int i = 0;
                Set<String> seen = new HashSet<>();
                for (JsonNode route : f.getValue()) {
                    int position = i++;
                    if (!route.isObject()) {
                        // ["a", "b"] was read as two unnamed routes without a path: "route.route0.path is required".
                        throw new ConfigurationException("routes", "entry " + (position + 1) + " is " + kind(route)
                                + ", not a route: in a JSON file each entry of routes is an object with the route's"
                                + " settings ({\"name\": \"premium\", \"path\": \"/premium/*\", ...}); or give routes"
                                + " as one string of names (\"premium,reports\") and each route under \"route\"");
                    }
                    String name = routeName(route.get("name"), position);
                    if (!seen.add(name)) {
                        // Flattened, the second route's keys would replace the first's: one path left unprotected.
                        throw new ConfigurationException("routes", "two routes are named \"" + name + "\"; give each"
                                + " route a name of its own");
                    }
                    names.append(names.length() == 0 ? "" : ",").append(name);
                    // The name is in the keys now; kept as route.<name>.name it would be a setting nobody reads.
                    route.fields().forEachRemaining(e -> {
                        if (!e.getKey().equals("name")) {
                            put(out, "route." + name + "." + e.getKey(), e.getValue());
                        }
                    });
                }
                out.put("routes", names.toString());
            } else {
                put(out, f.getKey(), f.getValue());
            }
        }
        return out;
    }

    /**
     * A route's {@code name}, or {@code route<position>} when it has none. It becomes part of every key of the route
     * and an entry of the comma-separated {@code routes}, so one that cannot be either is refused here, naming the
     * route: later it was only a key made from it ({@code route..path}) that failed.
     */
    private static String routeName(JsonNode name, int position) {
        if (name == null || name.isNull()) {
            return "route" + position;
        }
        String route = "entry " + (position + 1) + " of routes";
        if (!name.isTextual() && !name.isNumber()) {
            throw new ConfigurationException("routes", route + " has a name that is " + kind(name)
                    + ", not a string");
        }
        String text = text(name);
        if (text.isBlank() || !text.equals(text.strip()) || text.contains(",")) {
            throw new ConfigurationException("routes", route + " is named \"" + text + "\", which "
                    + (text.isBlank() ? "is empty" : text.contains(",") ? "holds a comma (routes are listed separated"
                    + " by commas)" : "begins or ends with a blank") + "; name it with letters, digits, '-' or '_'");
        }
        return text;
    }

    /** What a JSON value is, for a message: never its text, which may be a credential. */
    private static String kind(JsonNode value) {
        return value.isNull() ? "null" : value.isObject() ? "an object" : value.isArray() ? "an array"
                : value.isNumber() ? "a number" : value.isBoolean() ? "a boolean" : "a string";
    }

    private static void put(Map<String, String> out, String key, JsonNode value) {
        if (value.isObject()) {
            value.fields().forEachRemaining(e -> put(out, key + "." + e.getKey(), e.getValue()));
        } else if (value.isArray()) {
            StringBuilder joined = new StringBuilder();
            for (JsonNode v : value) {
                if (v.isContainerNode() || v.isNull()) {
                    // A list holds words and numbers: a null became the word "null" ("methods": [null] charged a
                    // method no request has), and an object or array the empty string, dropped from the list.
                    throw new ConfigurationException(key, "is a list of strings or numbers, but holds " + kind(v));
                }
                joined.append(joined.length() == 0 ? "" : ",").append(text(v));
            }
            out.put(key, joined.toString());
        } else if (!value.isNull()) {
            out.put(key, text(value));
        }
    }

    /** A number as its plain digits: asText() writes a small or large one in exponent form ("1E-5"), which no setting reads. */
    private static String text(JsonNode value) {
        return value.isNumber() ? value.decimalValue().toPlainString() : value.asText();
    }
}
