"""What the project's local servers share: binding, uvicorn with transport limits, the Host check, errors."""
