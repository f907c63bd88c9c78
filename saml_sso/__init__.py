"""SAML 2.0 single sign-on: each organization brings its own identity provider."""
