package striate.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model configuration as checkpoints store it, "key=value" pairs joined by commas, every expected key exactly
 * once; {@link #integer} and {@link #real} read a value or fail with one line naming the model, key and text.
 */
record ConfigText(String model, String text, Map<String, String> values) {
    /** Splits {@code text} into its pairs, requiring exactly the {@code keys}. */
    static ConfigText parse(String model, String text, String... keys) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("bad " + model + " config '" + text + "': expected key=value pairs");
            }
            String key = kv[0].trim();
            if (!List.of(keys).contains(key) || values.putIfAbsent(key, kv[1].trim()) != null) {
                throw new IllegalArgumentException((values.containsKey(key) ? "repeated " : "unknown ") + model
                        + " option '" + key + "' in '" + text + "'");
            }
        }
        if (values.size() != keys.length) {
            throw new IllegalArgumentException(model + " config '" + text + "' must give " + String.join(", ", keys));
        }
        return new ConfigText(model, text, values);
    }

    int integer(String key) {
        try {
            return Integer.parseInt(values.get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(model + " config '" + text + "': " + key + " must be an integer");
        }
    }

    double real(String key) {
        try {
            return Double.parseDouble(values.get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(model + " config '" + text + "': " + key + " must be a number");
        }
    }
}
