PYDANTIC_V2 = True


def ConfigDict(**kwargs):
    return kwargs
