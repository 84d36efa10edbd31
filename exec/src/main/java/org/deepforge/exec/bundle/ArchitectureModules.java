package org.deepforge.exec.bundle;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns an architecture into the Python module that a job's reference imports (code generation lives in nn). */
@FunctionalInterface
public interface ArchitectureModules {
    /** A generated module and the name of its nn.Module class. */
    record Module(String className, String code) {}

    Module generate(JsonNode architecture);

    /** No code generation: jobs that reference an architecture cannot be bundled. */
    ArchitectureModules NONE = a -> {
        throw new IllegalArgumentException("this server cannot generate code for architectures");
    };
}
