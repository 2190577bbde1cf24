"""Completes an asyncio future from the native runtime (called via call_soon_threadsafe)."""


def resolve(future, ok, value):
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
