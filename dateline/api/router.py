"""A ninja Router whose every operation is guarded by the API's policy (policy.py)."""

from __future__ import annotations

from ninja import Router

from dateline.api.policy import guard


class GuardedRouter(Router):
    def add_api_operation(self, path, methods, view_func, **kwargs):
        operation_id = kwargs.get("operation_id")
        if not operation_id:
            raise TypeError(f"{path}: every API operation names its operation_id")
        return super().add_api_operation(path, methods, guard(view_func, operation_id), **kwargs)
