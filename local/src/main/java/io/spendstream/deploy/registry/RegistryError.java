package io.spendstream.deploy.registry;

/**
 * A request the registry refuses, with the HTTP status and the Confluent error code and message clients expect
 * (e.g. 404 / 40401 "Subject 'x' not found.", 409 / 409 incompatible schema, 422 / 42201 invalid schema).
 */
final class RegistryError extends RuntimeException {

    private final int httpStatus;
    private final int errorCode;

    RegistryError(int httpStatus, int errorCode, String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    int httpStatus() {
        return httpStatus;
    }

    int errorCode() {
        return errorCode;
    }

    static RegistryError subjectNotFound(String subject) {
        return new RegistryError(404, 40401, "Subject '" + subject + "' not found.");
    }

    static RegistryError versionNotFound(int version) {
        return new RegistryError(404, 40402, "Version " + version + " not found.");
    }

    static RegistryError schemaIdNotFound(int id) {
        return new RegistryError(404, 40403, "Schema " + id + " not found");
    }

    static RegistryError schemaNotFoundUnderSubject() {
        return new RegistryError(404, 40403, "Schema not found");
    }

    static RegistryError subjectLevelConfigNotFound(String subject) {
        return new RegistryError(404, 40408,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    static RegistryError invalidSchema(String detail) {
        return new RegistryError(422, 42201, "Invalid schema: " + detail);
    }

    static RegistryError invalidVersion(String version) {
        return new RegistryError(422, 42202, "The specified version '" + version + "' is not a valid version id. "
                + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static RegistryError invalidCompatibilityLevel(String level) {
        return new RegistryError(422, 42203, "Invalid compatibility level '" + level + "'. Valid values are "
                + CompatibilityLevel.names());
    }

    static RegistryError incompatible(String subject, Iterable<String> details) {
        return new RegistryError(409, 409, "Schema being registered is incompatible with an earlier schema for "
                + "subject \"" + subject + "\", details: " + details);
    }

    static RegistryError storeFailed(String operation, Throwable cause) {
        return new RegistryError(500, 50001, "Error in the backend data store while " + operation + ": " + cause);
    }

    static RegistryError storeTimedOut(String operation) {
        return new RegistryError(500, 50002, "Timed out in the backend data store while " + operation);
    }
}
