package org.deepforge.nn.library;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.deepforge.library.ArchitectureKind;
import org.deepforge.library.Library;
import org.deepforge.library.LibraryContext;
import org.deepforge.library.LibraryDirectory;
import org.deepforge.library.LibraryManifest;
import org.deepforge.library.LibraryProvider;
import org.deepforge.library.MigrationException;
import org.deepforge.model.Json;
import org.deepforge.nn.LayerCatalog;
import org.deepforge.nn.shapes.FallbackShapes;
import org.deepforge.nn.shapes.MetaDeviceShapes;
import org.deepforge.nn.shapes.ShapeInference;

/**
 * PyTorch as a library: neural-network architectures (catalog generated from torch.nn, Java shape
 * rules with the meta device as fallback, PyTorch code generation), the built-in operations of
 * {@code python/builtins/operations} and the examples of {@code python/examples}. Its serializers
 * (modules and tensors) are the runtime's own ({@code deepforge.serialization}), older than libraries.
 */
public final class PyTorchLibrary implements Library {
    public static final String ID = "pytorch";
    public static final String VERSION = "1.0.0";

    /** The provider java.util.ServiceLoader finds. */
    public static final class Provider implements LibraryProvider {
        @Override
        public Library create(LibraryContext context) {
            return new PyTorchLibrary(context);
        }
    }

    private final PyTorchKind kind;
    private final Map<String, ObjectNode> operations;
    private final Map<String, Map<String, byte[]>> examples;

    public PyTorchLibrary(LibraryContext context) {
        FallbackShapes fallback = context.analysis().<FallbackShapes>map(MetaDeviceShapes::new).orElse(FallbackShapes.NONE);
        this.kind = new PyTorchKind(new ShapeInference(LayerCatalog.bundled(), fallback));
        this.operations = context.pythonRuntime().map(r -> LibraryDirectory.operations(r.resolve("builtins").resolve("operations"))).orElse(Map.of());
        this.examples = context.pythonRuntime().map(r -> LibraryDirectory.examples(r.resolve("examples"))).orElse(Map.of());
    }

    /** The shape inference behind the kind (the architecture editor's bench measures it directly). */
    public ShapeInference shapes() {
        return kind.shapes();
    }

    @Override
    public LibraryManifest manifest() {
        return new LibraryManifest(ID, "PyTorch", VERSION,
                "Neural networks drawn from torch.nn's full layer set, with shapes and errors as you draw and clean PyTorch code;"
                        + " operations to train, predict and evaluate; the digits and photometric-redshift examples.",
                List.of(), List.of("torch", "torchvision"), List.of("python3-torch"));
    }

    @Override
    public List<ArchitectureKind> kinds() {
        return List.of(kind);
    }

    @Override
    public Map<String, ObjectNode> operations() {
        return operations;
    }

    @Override
    public Map<String, Map<String, byte[]>> examples() {
        return examples;
    }

    @Override
    public Map<String, byte[]> pythonFiles() {
        return Map.of();
    }

    @Override
    public ArrayNode migrate(String fromVersion, JsonNode model) throws MigrationException {
        if (!fromVersion.equals(VERSION)) {
            throw new MigrationException("PyTorch library " + VERSION + " has no migration from version " + fromVersion);
        }
        return Json.MAPPER.createArrayNode();
    }
}
