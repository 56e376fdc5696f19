"""Domain exceptions: every failure a user can cause has a class and a clear message."""


class WorkbenchError(Exception):
    """Base class of every error the workbench reports to a user."""


class InputError(WorkbenchError):
    """A file, line or field given by the user is not acceptable."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        self.source = source
        self.line = line
        self.detail = message
        where = source or ""
        if line is not None:
            where = f"{where}:{line}" if where else f"line {line}"
        super().__init__(f"{where}: {message}" if where else message)


class NotFoundError(WorkbenchError):
    """A referenced article, sentence or user does not exist."""


class PermissionDeniedError(WorkbenchError):
    """The signed-in account's role does not allow this action."""


class AuthenticationError(WorkbenchError):
    """Sign-in failed: wrong name or password, inactive or locked account."""


class AccountLockedError(AuthenticationError):
    """Too many failed sign-ins; the account is locked for a while."""


class ConflictError(WorkbenchError):
    """Someone else changed the record since it was read (optimistic locking)."""


class AlreadyExistsError(WorkbenchError):
    """A record with the same unique name or content already exists."""


class DatabaseBusyError(WorkbenchError):
    """No database connection came free in time (the pool or the server is at its limit)."""
