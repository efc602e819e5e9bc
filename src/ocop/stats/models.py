from .models_targets import NationalTarget, ProvinceTarget

__all__ = ["NationalTarget", "ProvinceTarget"]
