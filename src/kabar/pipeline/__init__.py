"""Pipeline stages, one module each, registered with :func:`kabar.pipeline.registry.stage`."""
