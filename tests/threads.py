"""Work started at the same instant in threads, each with its own database connection (tests with transaction=True)."""

import threading

from django.db import close_old_connections, connection


def race(workers):
    """Run callables in threads that start together; return what each returned or raised."""
    barrier = threading.Barrier(len(workers))
    results = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait(timeout=10)
            results[index] = work()
        except Exception as error:  # the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return results
