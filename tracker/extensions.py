"""Flask extensions, created without an app and bound in create_app()."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from tracker.models.base import Base, render_migration_item

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True, render_item=render_migration_item)
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
