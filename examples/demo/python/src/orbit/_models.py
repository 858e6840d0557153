import pydantic


class BaseModel(pydantic.BaseModel):
    """Base of every API model."""


class StrictBase(BaseModel):
    """A model that rejects unknown fields."""
